"""A client generated from openapi.yaml (openapi-python-client) talks to a real hub.

Usage: generated_client.py CLIENT_PARENT_DIR BASE_URL TOKEN SITE BUNDLE_FILE
Checks: health, an upload that merges, a download (204 or a bundle, with the hub's vector), the roster.
"""
import sys

sys.path.insert(0, sys.argv[1])
from client import AuthenticatedClient, Client  # noqa: E402
from client.api.default import download_bundle, health, roster, upload_bundle  # noqa: E402
from client.types import File  # noqa: E402

base, token, site, bundle = sys.argv[2:6]
state = health.sync(client=Client(base_url=base))
assert state is not None and state.status == "ok", state
office = AuthenticatedClient(base_url=base, token=token)
with open(bundle, "rb") as f:
    answer = upload_bundle.sync(client=office, body=File(payload=f, mime_type="application/vnd.jonction.bundle"))
assert answer is not None and answer.applied > 0, answer
print(f"client généré : envoi fusionné ({answer.applied} changements)")
have = ",".join(f"{k}:{v}" for k, v in sorted(answer.vector.additional_properties.items()))
reply = download_bundle.sync_detailed(client=office, site=site, have=have, at=0)
assert reply.status_code in (200, 204) and reply.headers.get("jonction-vector"), reply
reply = roster.sync_detailed(client=office)
assert reply.status_code == 200 and len(reply.content) > 0 and reply.headers.get("x-request-id"), reply
print("client généré : santé, envoi, réception et liste des sites conformes")
