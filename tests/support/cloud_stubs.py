"""Local stand-ins for Google Cloud Vision and OpenAI that check what they receive.

Each stub records the requests it refused (`rejected`) with the reason, so a test can assert both
that the client sent the right thing and that a wrong request would have been noticed.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass
class FakeServiceAccount:
    """A service-account key file made for the test, with its RSA key pair."""

    path: Path
    public_pem: bytes
    email: str = "khaacho-test@khaacho-test.iam.gserviceaccount.com"

    @classmethod
    def create(cls, folder: Path, token_uri: str) -> FakeServiceAccount:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
        public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        account = cls(folder / "service-account.json", public_pem)
        account.path.write_text(json.dumps({
            "type": "service_account", "project_id": "khaacho-test", "private_key_id": "k1",
            "private_key": private_pem, "client_email": account.email, "client_id": "1",
            "token_uri": token_uri,
        }))
        return account


@dataclass
class VisionStub:
    """Accepts `POST /v1/images:annotate` signed by the fake service account; answers with `text`."""

    account_public_pem: bytes | None = None
    text: str = ""
    confidence: float = 0.9
    requests: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/token", self._token)
        app.router.add_post("/v1/images:annotate", self._annotate)
        return app

    def _verify_jwt(self, token: str, audience: str | None = None) -> bool:
        if self.account_public_pem is None:
            return False
        try:
            jwt.decode(token, self.account_public_pem, algorithms=["RS256"],
                       options={"verify_aud": audience is not None}, audience=audience)
        except jwt.PyJWTError as exc:
            self.rejected.append(f"bad JWT: {exc}")
            return False
        return True

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            self.rejected.append(f"token: grant_type {form.get('grant_type')!r}")
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if not self._verify_jwt(str(form.get("assertion", "")), audience=str(request.url)):
            return web.json_response({"error": "invalid_grant"}, status=400)
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    async def _annotate(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        bearer = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or not (bearer in self.tokens or self._verify_jwt(bearer)):
            self.rejected.append("annotate: not authorised")
            return web.json_response({"error": {"code": 401, "message": "unauthenticated"}}, status=401)
        body = await request.json()
        problems = []
        reqs = body.get("requests") or []
        if len(reqs) != 1:
            problems.append(f"expected one request, got {len(reqs)}")
        else:
            one = reqs[0]
            try:
                base64.b64decode(one.get("image", {}).get("content", ""), validate=True)
            except ValueError:
                problems.append("image.content is not base64")
            if not one.get("image", {}).get("content"):
                problems.append("image.content missing")
            # the REST transport sends enums as numbers (`$alt=json;enum-encoding=int`): 11 is this feature
            if not {"DOCUMENT_TEXT_DETECTION", 11} & {f.get("type") for f in one.get("features", [])}:
                problems.append(f"features {one.get('features')} lack DOCUMENT_TEXT_DETECTION")
        if problems:
            self.rejected.extend(problems)
            return web.json_response({"error": {"code": 400, "message": "; ".join(problems)}}, status=400)
        self.requests.append(body)
        return web.json_response({"responses": [{
            "textAnnotations": [{"description": self.text}],
            "fullTextAnnotation": {"text": self.text, "pages": [{"blocks": [{"confidence": self.confidence}]}]},
        }]})


@dataclass
class OpenAiStub:
    """`POST /v1/audio/transcriptions` (multipart) and `POST /v1/chat/completions` (JSON schema)."""

    api_key: str = "sk-test"
    transcript: str = ""
    logprobs: list[float] = field(default_factory=lambda: [-0.05, -0.1, -0.02])
    completion: str = '{"items": []}'
    uploads: list[dict[str, Any]] = field(default_factory=list)
    chats: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=25 * 1024 * 1024)
        app.router.add_post("/v1/audio/transcriptions", self._transcribe)
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    def _authorised(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            self.rejected.append(f"{request.path}: bad Authorization")
            return False
        return True

    async def _transcribe(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"message": "bad key"}}, status=401)
        if not request.content_type.startswith("multipart/form-data"):
            self.rejected.append(f"transcriptions: content type {request.content_type}")
            return web.json_response({"error": {"message": "multipart expected"}}, status=400)
        form = await request.post()
        upload = form.get("file")
        problems = []
        if not isinstance(upload, web.FileField):
            problems.append("file part missing")
        else:
            content = upload.file.read()
            if not content.startswith(b"OggS"):
                problems.append("file is not an Ogg stream")
            if upload.content_type != "audio/ogg" or not upload.filename.endswith(".ogg"):
                problems.append(f"file {upload.filename} as {upload.content_type}")
        if not form.get("model"):
            problems.append("model missing")
        if problems:
            self.rejected.extend(problems)
            return web.json_response({"error": {"message": "; ".join(problems)}}, status=400)
        self.uploads.append({k: v for k, v in form.items() if k != "file"} | {"size": len(content)})
        body: dict[str, Any] = {"text": self.transcript}
        if "logprobs" in form.getall("include[]", []):
            body["logprobs"] = [{"token": f"t{i}", "logprob": lp, "bytes": []} for i, lp in enumerate(self.logprobs)]
        return web.json_response(body)

    async def _chat(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"message": "bad key"}}, status=401)
        body = await request.json()
        problems = []
        if not body.get("model"):
            problems.append("model missing")
        roles = [m.get("role") for m in body.get("messages", [])]
        if roles[:1] != ["system"] or "user" not in roles:
            problems.append(f"messages roles {roles}")
        fmt = body.get("response_format") or {}
        if fmt.get("type") != "json_schema" or not fmt.get("json_schema", {}).get("schema"):
            problems.append(f"response_format {fmt}")
        if problems:
            self.rejected.extend(problems)
            return web.json_response({"error": {"message": "; ".join(problems)}}, status=400)
        self.chats.append(body)
        return web.json_response({
            "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self.completion}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Start `app` on a free loopback port; (runner to clean up, base URL)."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"
