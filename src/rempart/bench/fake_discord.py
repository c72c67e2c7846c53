"""A local fake of Discord — REST API, gateway and CDN on loopback — that the real ``discord.py``
client connects to: what the bot's end-to-end tests and `rempart bench bot` drive it with.

It speaks the parts of Discord the bot uses, as Discord's documentation defines them: the gateway
(HELLO, IDENTIFY → READY and GUILD_CREATE, heartbeats and their ACKs, dispatches with sequence
numbers, RESUME → the missed dispatches then RESUMED, ``zlib-stream`` compression as discord.py
asks for it), the REST routes the bot calls (``/users/@me``, command sync, message delete with
its ``X-Audit-Log-Reason``, message send, member timeout, interaction callbacks and follow-ups)
and a CDN over HTTPS (a throwaway CA) whose answers can be made to fail. Every REST call is
recorded with the monotonic time it arrived, every dispatch with the time it was sent, so a test
or a benchmark measures post-to-action latency on one clock.

Nothing here is used in production; it runs in a thread with its own event loop, and a caller in
another thread drives it with plain methods (``post``, ``edit``, ``interact``, ``drop``…).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from rempart.bench.loopback_tls import make_certificates

DISCORD_EPOCH_MS = 1_420_070_400_000
GATEWAY_HELLO, GATEWAY_HEARTBEAT, GATEWAY_IDENTIFY, GATEWAY_RESUME = 10, 1, 2, 6
GATEWAY_DISPATCH, GATEWAY_ACK, GATEWAY_INVALID_SESSION = 0, 11, 9
#: Every permission bit: what an administrator holds (as a decimal string, Discord's form).
ALL_PERMISSIONS = str((1 << 53) - 1)
MANAGE_GUILD = 1 << 5
#: The privileged gateway intent that lets a bot read other members' messages' content.
MESSAGE_CONTENT = 1 << 15


@dataclass
class Call:
    """One REST request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float

    @property
    def reason(self) -> str:
        """The audit-log reason the request carried (URL-decoded), or ""."""
        return unquote(self.headers.get("X-Audit-Log-Reason", ""))


@dataclass
class _Session:
    id: str
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)

    @property
    def seq(self) -> int:
        return self.events[-1][0] if self.events else 0


class FakeDiscord:
    """Discord's REST API, gateway and CDN on 127.0.0.1 (see the module docstring)."""

    def __init__(self, folder: Path, *, heartbeat_ms: int = 41_250) -> None:
        self.folder = folder
        self.heartbeat_ms = heartbeat_ms
        self._counter = 0
        self._lock = threading.Lock()
        self.application_id = self.snowflake()
        self.bot_user = _user(self.application_id, "Rempart", bot=True)
        self.guilds: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        #: CDN path → statuses to answer, one per request, before the file is served.
        self.cdn_failures: dict[str, list[int]] = {}
        self.cdn_requests: list[tuple[str, int, float]] = []
        #: How long a CDN failure of status 0 keeps the client waiting (longer than its timeout).
        self.stall_seconds = 10.0
        self.calls: list[Call] = []
        self.sent_at: dict[str, float] = {}
        self.identifies = 0
        self.intents = 0
        self.resumes = 0
        self._session: _Session | None = None
        self._socket: web.WebSocketResponse | None = None
        self._compress: Any = None
        self._loop = asyncio.new_event_loop()
        self._runners: list[web.AppRunner] = []
        self._thread: threading.Thread | None = None
        self.api_port = self.cdn_port = 0
        self.ca_file = Path()

    # -- life --------------------------------------------------------------------------------

    def start(self) -> FakeDiscord:
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._serve, args=(ready,), name="fake-discord", daemon=True
        )
        self._thread.start()
        if not ready.wait(30):
            raise RuntimeError("the fake Discord did not start")
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._run(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.api_port}/gateway"

    @property
    def cdn_base(self) -> str:
        return f"https://127.0.0.1:{self.cdn_port}"

    def settings_values(self) -> dict[str, Any]:
        """The settings (``Settings`` field values) that point the bot here."""
        return {
            "discord_token": "fake-token",
            "discord_api_base": self.api_base,
            "discord_gateway_url": self.gateway_url,
            "discord_cdn_base": self.cdn_base,
            "fetch_hosts": ["127.0.0.1"],
            "fetch_allow_private": True,
            "fetch_ca_file": self.ca_file,
        }

    def settings_env(self) -> dict[str, str]:
        """The same settings as REMPART_* variables (for a `rempart bot` process)."""
        return {
            f"REMPART_{name.upper()}": json.dumps(value)
            if isinstance(value, list)
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
            for name, value in self.settings_values().items()
        }

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._bind())
        ready.set()
        self._loop.run_forever()

    async def _bind(self) -> None:
        api = web.Application(client_max_size=64 * 1024 * 1024)
        api.router.add_get("/gateway", self._gateway)
        api.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        cdn = web.Application()
        cdn.router.add_get("/{tail:.*}", self._cdn)
        ca, certificate, key = make_certificates(self.folder / "fake-discord-tls")
        self.ca_file = ca
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        for app, tls in ((api, None), (cdn, context)):
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
            await site.start()
            self._runners.append(runner)
            port = runner.addresses[0][1]
            if tls is None:
                self.api_port = port
            else:
                self.cdn_port = port

    async def _shutdown(self) -> None:
        if self._socket is not None:
            await self._socket.close(code=1001)
        for runner in self._runners:
            await runner.cleanup()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:  # a stalled CDN answer, a closing socket
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    # -- world -------------------------------------------------------------------------------

    def snowflake(self) -> str:
        with self._lock:
            self._counter += 1
            return str(((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | self._counter)

    def add_guild(self, name: str, channels: list[str]) -> dict[str, str]:
        """A server the bot is in; returns its id and its channels' ids by name."""
        guild_id = self.snowflake()
        ids = {"guild": guild_id, **{channel: self.snowflake() for channel in channels}}
        self.guilds[guild_id] = {
            "id": guild_id,
            "name": name,
            "icon": None,
            "owner_id": self.snowflake(),
            "roles": [
                {
                    "id": guild_id,
                    "name": "@everyone",
                    "permissions": "0",
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": [
                {
                    "id": ids[channel],
                    "type": 0,
                    "name": channel,
                    "position": number,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                }
                for number, channel in enumerate(channels)
            ],
            "members": [{"user": self.bot_user, "roles": [], "joined_at": _now(), "flags": 0}],
            "member_count": 2,
            "large": False,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "unavailable": False,
            "joined_at": _now(),
            "preferred_locale": "fr",
            "mfa_level": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "system_channel_id": None,
            "premium_tier": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
        }
        return ids

    def add_file(self, name: str, data: bytes, content_type: str = "image/jpeg") -> str:
        """Put a file on the CDN; returns its URL (signed like Discord's)."""
        path = f"/attachments/{self.snowflake()}/{self.snowflake()}/{name}"
        self.files[path] = (data, content_type)
        return f"{self.cdn_base}{path}?ex=ffffffff&is=00000000&hm=fake"

    def sticker(self, name: str, data: bytes) -> dict:
        """A PNG sticker on the CDN, as a message's ``sticker_items`` names it."""
        sticker_id = self.snowflake()
        self.files[f"/stickers/{sticker_id}.png"] = (data, "image/png")
        return {"id": sticker_id, "name": name, "format_type": 1}

    def embed_image(self, data: bytes) -> dict:
        """A link embed whose picture Discord's media proxy serves."""
        url = self.add_file("embed.jpg", data)
        return {
            "type": "image",
            "url": "https://example.org/p.jpg",
            "image": {"url": "https://example.org/p.jpg", "proxy_url": url},
        }

    def attachment(self, name: str, data: bytes, content_type: str = "image/jpeg") -> dict:
        url = self.add_file(name, data, content_type)
        return {
            "id": self.snowflake(),
            "filename": name,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    def message(
        self,
        guild_id: str,
        channel_id: str,
        author: dict[str, Any],
        *,
        content: str = "",
        attachments: list[dict] | None = None,
        embeds: list[dict] | None = None,
        stickers: list[dict] | None = None,
        snapshots: list[dict] | None = None,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        """A message payload as the gateway sends it."""
        payload: dict[str, Any] = {
            "id": message_id or self.snowflake(),
            "channel_id": channel_id,
            "guild_id": guild_id,
            "author": author,
            "member": {"roles": [], "joined_at": _now(), "deaf": False, "mute": False, "flags": 0},
            "content": content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": embeds or [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "sticker_items": stickers or [],
        }
        if snapshots:
            payload["message_snapshots"] = [{"message": s} for s in snapshots]
            payload["message_reference"] = {"type": 1, "channel_id": channel_id}
        return payload

    def snapshot(
        self, *, content: str = "", attachments: list[dict] | None = None
    ) -> dict[str, Any]:
        """A forwarded message's snapshot (what ``message_snapshots`` carries)."""
        return {
            "type": 0,
            "content": content,
            "embeds": [],
            "attachments": attachments or [],
            "timestamp": _now(),
            "edited_timestamp": None,
            "flags": 0,
            "sticker_items": [],
        }

    def member(self, name: str) -> dict[str, Any]:
        return _user(self.snowflake(), name)

    # -- driving the bot ---------------------------------------------------------------------

    def post(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send MESSAGE_CREATE (returns the message)."""
        self.dispatch("MESSAGE_CREATE", message)
        return message

    def edit(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send MESSAGE_UPDATE with the whole edited message (as Discord does since API v10)."""
        edited = {**message, "edited_timestamp": _now()}
        self.dispatch("MESSAGE_UPDATE", edited)
        return edited

    def dispatch(self, event: str, data: dict[str, Any]) -> int:
        return int(self._run(self._dispatch(event, data)))

    def interact(
        self,
        guild_id: str,
        channel_id: str,
        user: dict[str, Any],
        data: dict[str, Any],
        *,
        permissions: int | str = ALL_PERMISSIONS,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Send INTERACTION_CREATE for an application command; returns the interaction."""
        interaction = {
            "id": self.snowflake(),
            "application_id": self.application_id,
            "type": 2,
            "data": data,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": {"id": channel_id, "type": 0, "guild_id": guild_id, "name": "channel"},
            "member": {
                "user": user,
                "roles": [],
                "joined_at": _now(),
                "permissions": str(permissions),
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            "token": f"token-{self.snowflake()}",
            "version": 1,
            "locale": locale,
            "guild_locale": "fr",
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    def use_message_menu(
        self, name: str, user: dict[str, Any], message: dict[str, Any]
    ) -> dict[str, Any]:
        """A member picks a message command (right click → Apps → ``name``) on ``message``."""
        return self.interact(
            message["guild_id"],
            message["channel_id"],
            user,
            {
                "id": self.snowflake(),
                "name": name,
                "type": 3,
                "target_id": message["id"],
                "resolved": {"messages": {message["id"]: message}},
            },
            permissions=0,
        )

    def drop(self) -> None:
        """Close the gateway connection abnormally (code 4000): the client resumes."""
        self._run(self._drop())

    def wait_for(self, found: Callable[[], Any], timeout: float = 30.0) -> Any:
        """Poll ``found`` until it returns something true; TimeoutError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = found()
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError("the fake Discord did not see what was expected in time")

    def calls_to(self, method: str, fragment: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method and fragment in c.path]

    def deleted(self, message_id: str) -> Call | None:
        found = self.calls_to("DELETE", f"/messages/{message_id}")
        return found[0] if found else None

    def responses(self, interaction: dict[str, Any]) -> list[Call]:
        """The callback and follow-ups the bot sent for ``interaction``."""
        return [
            c
            for c in list(self.calls)
            if c.method in {"POST", "PATCH"}
            and (
                f"/interactions/{interaction['id']}/" in c.path
                or f"/webhooks/{self.application_id}/{interaction['token']}" in c.path
            )
        ]

    @property
    def connected(self) -> bool:
        return self._socket is not None and not self._socket.closed

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await socket.prepare(request)
        compress = request.query.get("compress", "")
        self._compress = zlib.compressobj() if compress == "zlib-stream" else None
        self._socket = socket
        await self._send(
            socket, {"op": GATEWAY_HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}}
        )
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == GATEWAY_HEARTBEAT:
                await self._send(socket, {"op": GATEWAY_ACK, "d": None})
            elif op == GATEWAY_IDENTIFY:
                self.intents = int(payload["d"].get("intents") or 0)
                await self._identify(socket)
            elif op == GATEWAY_RESUME:
                await self._resume(socket, payload["d"])
        if self._socket is socket:
            self._socket = None
        return socket

    async def _identify(self, socket: web.WebSocketResponse) -> None:
        self.identifies += 1
        self._session = _Session(id=f"session-{self.snowflake()}")
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": g, "unavailable": True} for g in self.guilds],
            "session_id": self._session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await self._dispatch("READY", ready)
        for guild in self.guilds.values():
            await self._dispatch("GUILD_CREATE", guild)

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        session = self._session
        if session is None or data.get("session_id") != session.id:
            await self._send(socket, {"op": GATEWAY_INVALID_SESSION, "d": False})
            return
        self.resumes += 1
        for seq, event, payload in session.events:
            if seq > int(data.get("seq") or 0):
                await self._send(
                    socket, {"op": GATEWAY_DISPATCH, "s": seq, "t": event, "d": payload}
                )
        await self._dispatch("RESUMED", {})

    async def _dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Number the event in the session and send it if connected (else it waits for a
        RESUME, as Discord keeps it)."""
        if self._session is None:
            self._session = _Session(id=f"session-{self.snowflake()}")
        seq = self._session.seq + 1
        self._session.events.append((seq, event, data))
        if event == "MESSAGE_CREATE":
            self.sent_at[str(data["id"])] = time.monotonic()
        socket = self._socket
        if socket is not None and not socket.closed:
            sent = self._as_intents_allow(event, data)
            await self._send(socket, {"op": GATEWAY_DISPATCH, "s": seq, "t": event, "d": sent})
        return seq

    def _as_intents_allow(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Without the message content intent Discord sends other members' messages with no
        content, attachments, embeds or forwarded snapshots."""
        if event not in {"MESSAGE_CREATE", "MESSAGE_UPDATE"} or self.intents & MESSAGE_CONTENT:
            return data
        if data.get("author", {}).get("id") == self.application_id:
            return data
        return {
            **data,
            "content": "",
            "attachments": [],
            "embeds": [],
            "components": [],
            "message_snapshots": [],
        }

    async def _send(self, socket: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if self._compress is None:
            await socket.send_str(text)
        else:
            data = self._compress.compress(text.encode()) + self._compress.flush(zlib.Z_SYNC_FLUSH)
            await socket.send_bytes(data)

    async def _drop(self) -> None:
        socket = self._socket
        self._socket = None
        if socket is not None:
            await socket.close(code=4000, message=b"fake Discord dropped the connection")

    # -- REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": len(raw)}
        self.calls.append(Call(request.method, path, dict(request.headers), body, time.monotonic()))
        by_token = path.startswith(("/interactions/", "/webhooks/"))  # the interaction's token
        if not by_token and request.headers.get("Authorization") != "Bot fake-token":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return self._answer(request.method, path, body)

    def _answer(self, method: str, path: str, body: Any) -> web.StreamResponse:
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return _json(self.bot_user)
        if method == "GET" and path in {"/oauth2/applications/@me", "/applications/@me"}:
            return _json(
                {
                    "id": self.application_id,
                    "name": "Rempart",
                    "icon": None,
                    "description": "",
                    "rpc_origins": [],
                    "bot_public": False,
                    "bot_require_code_grant": False,
                    "owner": _user(self.snowflake(), "owner"),
                    "team": None,
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "summary": "",
                }
            )
        if parts[0] == "applications" and method == "PUT" and parts[-1] == "commands":
            commands = body if isinstance(body, list) else []
            return _json(
                [
                    {
                        "description": "",
                        "options": [],
                        "type": 1,
                        "nsfw": False,
                        **command,
                        "id": self.snowflake(),
                        "application_id": self.application_id,
                        "version": self.snowflake(),
                        "default_member_permissions": command.get("default_member_permissions"),
                    }
                    for command in commands
                ]
            )
        if parts[0] == "channels" and len(parts) == 4 and parts[2] == "messages":
            if method == "DELETE":
                return web.Response(status=204)
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "messages":
            if method == "POST":
                channel = parts[1]
                return _json(
                    {
                        **self.message(self._guild_of(channel), channel, self.bot_user, content=""),
                        **({"content": body.get("content", "")} if isinstance(body, dict) else {}),
                    }
                )
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "members" and method == "PATCH":
            return _json(
                {
                    "user": _user(parts[3], "member"),
                    "roles": [],
                    "joined_at": _now(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                    "communication_disabled_until": (body or {}).get(
                        "communication_disabled_until"
                    ),
                }
            )
        if parts[0] == "interactions" and parts[-1] == "callback":
            return _json({"interaction": {"id": parts[1], "type": 2}, "resource": None})
        if parts[0] == "webhooks" and method in {"POST", "PATCH"}:
            channel = next(iter(self.guilds.values()))["channels"][0]["id"] if self.guilds else "0"
            return _json(
                {
                    **self.message(self._guild_of(channel), channel, self.bot_user),
                    "webhook_id": self.application_id,
                    **({"content": body.get("content", "")} if isinstance(body, dict) else {}),
                }
            )
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    def _guild_of(self, channel_id: str) -> str:
        for guild_id, guild in self.guilds.items():
            if any(c["id"] == channel_id for c in guild["channels"]):
                return guild_id
        return "0"

    # -- CDN ---------------------------------------------------------------------------------

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        failures = self.cdn_failures.get(path)
        if failures:
            status = failures.pop(0)
            self.cdn_requests.append((path, status, time.monotonic()))
            if status == 0:  # a timeout: answer nothing for longer than the client waits
                await asyncio.sleep(self.stall_seconds)
            return web.Response(status=status, text="fake CDN failure")
        found = self.files.get(path)
        self.cdn_requests.append((path, 200 if found else 404, time.monotonic()))
        if found is None:
            return web.Response(status=404)
        data, content_type = found
        return web.Response(body=data, content_type=content_type)


def _json(data: Any, status: int = 200) -> web.Response:
    """A JSON answer with Discord's exact content type (discord.py compares it verbatim)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
