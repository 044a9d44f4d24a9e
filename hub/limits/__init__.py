"""Rate limits: who a client is, how often each may do what, and the counters behind it.

`table` declares the named limits and their defaults, `identity` says who a request comes
from (behind trusted proxies, IPv6 by /64, as a keyed digest), `limiter` counts in Redis or in
this process, and `sockets` caps the WebSockets held open. Nothing here knows HTTP frameworks
or GraphQL: the layers above hand in addresses, headers and names.
"""
