"""The GraphQL API: a thin layer translating between the public schema and the domain."""
