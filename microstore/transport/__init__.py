"""The HTTP transport of the contracts, generated from their Protocols.

- `server`: `POST /internal/<service>/<method>` and `GET /internal/<service>/health` for every
  service this process serves itself; bodies in the codec's JSON, errors as problem+json.
- `client`: one `ServiceClient` implements any service Protocol, over HTTP (httpx) or over the
  `loopback` transport, which hands the same signed bytes to the server code in-process.
- `signing`: each request is signed by the calling service (HMAC-SHA256 with
  MICROSTORE_INTERNAL_SECRET) and refused outside a short window or when seen before.
- `caller`: which service is making a call (the call direction is checked by the server).
"""
