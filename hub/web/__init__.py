"""The volunteers' web pages: server-rendered, built on the public GraphQL API."""
