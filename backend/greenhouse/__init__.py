"""Talk to Greenhouse Harvest v3.

client.py      GreenhouseClient (one credential + acting user); connect(Connection, Endpoints)
resources.py   candidates, applications, notes, employments, custom_fields, tags, jobs,
               prospect_pools, users: thin functions over the transport
transport.py   the one place for HTTP: timeouts, retries, 401 re-mint, paging, write confirm
auth.py        OAuth client credentials: mint, share and refresh tokens
throttle.py    one request budget per credential, shared by every worker, corrected by headers
errors.py      the exception tree
shapes.py      pure helpers for request bodies and responses
links.py       record links in the Greenhouse web app
sandbox/       a Harvest v3 server for demos, tests and benchmarks
"""
