"""An in-memory Telegram Bot API: the state a bot sees and the actions users take.

One object, two transports: :mod:`tests.telegram.fake_request` plugs it into PTB in-process
(a ``BaseRequest``), :mod:`tests.telegram.fake_server` serves it over HTTP for black-box tests.
Answers mirror Telegram's JSON (``{"ok": true, "result": …}`` or ``{"ok": false, "error_code":
…, "description": …, "parameters": {"retry_after": …}}``) and its validation of the things our
channel relies on: 4096-character texts, 64-byte callback data, one answer per callback query,
"message is not modified", blocked users (403), files sent again by ``file_id`` (known ids only,
a photo's id with sendPhoto only, a document's with sendDocument only). Faults are injected per
method.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOKEN = "123456:TEST-fake-bot-api-token-for-tests-only"
BOT_ID = 123456
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Trợ lý Hòa giải",
    "username": "hoagiai_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
# Uploaded files by form field: (filename, bytes, MIME type).
Files = dict[str, tuple[str, bytes, str]]
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@dataclass(frozen=True, slots=True)
class Call:
    """One request the bot made: method, parameters, uploaded files (name → (filename, bytes, mime))."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the API holds, by its ``file_id``: what it is and what it was called.

    ``kind`` is ``photo`` or ``document``: Telegram resends an id only as the kind it was sent as.
    """

    kind: str
    size: int
    name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class Fault:
    """An injected failure: an HTTP status with Telegram's error body, or a timeout."""

    status: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    timeout: bool = False


@dataclass(frozen=True, slots=True)
class Result:
    """What the API answers; ``timeout`` asks the transport to behave as a timed-out request.

    ``body`` may share dicts with the live state: transports serialise it at once.
    """

    status: int
    body: dict[str, Any]
    timeout: bool = False

    @property
    def payload(self) -> bytes:
        """The JSON body as sent on the wire."""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _ok(result: Any) -> Result:
    return Result(200, {"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> Result:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return Result(status, body)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Parameters arrive typed in-process but as strings over HTTP forms: accessors coerce both.
def _int(params: dict[str, Any], key: str, default: int | None = None) -> int:
    value = params.get(key, default)
    if value is None:
        raise ApiError(400, f"Bad Request: parameter {key} is required")
    return int(value)


def _json(params: dict[str, Any], key: str) -> Any:
    value = params.get(key)
    return json.loads(value) if isinstance(value, str) else value


def _bool(params: dict[str, Any], key: str) -> bool:
    return params.get(key) in (True, "true", "True", 1, "1")


class FakeUser:
    """A Telegram user in a private chat with the bot (chat id = user id, as on Telegram)."""

    def __init__(self, api: FakeTelegram, user_id: int, first_name: str, last_name: str = "") -> None:
        self.api = api
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        # Bot messages in this chat, in order; edits change these dicts in place.
        self.received: list[dict[str, Any]] = []
        # The reply keyboard currently shown under the message box (None: the normal keyboard).
        self.keyboard: dict[str, Any] | None = None
        self._cursor = 0

    @property
    def chat_id(self) -> int:
        """Private chat id (equals the user id on Telegram)."""
        return self.id

    def as_user(self) -> dict[str, Any]:
        """The ``User`` object of this person."""
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "vi",
        }
        if self.last_name:
            user["last_name"] = self.last_name
        return user

    def as_chat(self) -> dict[str, Any]:
        """The ``Chat`` object of the private chat."""
        chat: dict[str, Any] = {"id": self.id, "first_name": self.first_name, "type": "private"}
        if self.last_name:
            chat["last_name"] = self.last_name
        return chat

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": self.api.next_message_id(self.id),
            "from": self.as_user(),
            "chat": self.as_chat(),
            "date": int(time.time()),
            **content,
        }

    def say(self, text: str) -> dict[str, Any]:
        """The user types ``text`` (commands get their ``bot_command`` entity, as on Telegram)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
        return self.api.enqueue({"message": self._message(**content)})

    def share_contact(self, phone: str, own: bool = True) -> dict[str, Any]:
        """The user shares a contact: their own (the share-phone button) or someone else's card."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": self.first_name}
        contact["user_id"] = self.id if own else self.id + 1
        return self.api.enqueue({"message": self._message(contact=contact)})

    def send_sticker(self) -> dict[str, Any]:
        """The user sends a sticker."""
        sticker = {
            "width": 512,
            "height": 512,
            "emoji": "👍",
            "set_name": "HotCherry",
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "file_id": "CAACAgIAAxkBAAEBsticker",
            "file_unique_id": "AgADsticker",
            "file_size": 21044,
        }
        return self.api.enqueue({"message": self._message(sticker=sticker)})

    def send_document(
        self, file_name: str, mime_type: str, size: int = 184_320, caption: str = ""
    ) -> dict[str, Any]:
        """The user sends a file as a document (the paperclip, then "File")."""
        file_id = self.api.hold_file(StoredFile("document", size, file_name, mime_type))
        document = {
            "file_name": file_name,
            "mime_type": mime_type,
            "file_id": file_id,
            "file_unique_id": f"AgAD{file_id[-6:]}",
            "file_size": size,
        }
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self.api.enqueue({"message": self._message(**content)})

    def send_photo(self, size: int = 97_640, caption: str = "") -> dict[str, Any]:
        """The user sends a picture as a photo: Telegram offers it in several sizes, largest last."""
        small = self.api.hold_file(StoredFile("photo", 1502))
        large = self.api.hold_file(StoredFile("photo", size))
        sizes = [
            {
                "file_id": small,
                "file_unique_id": f"AQAD{small[-6:]}",
                "file_size": 1502,
                "width": 90,
                "height": 51,
            },
            {
                "file_id": large,
                "file_unique_id": f"AQAD{large[-6:]}",
                "file_size": size,
                "width": 1280,
                "height": 720,
            },
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self.api.enqueue({"message": self._message(**content)})

    def send_voice(self) -> dict[str, Any]:
        """The user sends a voice note."""
        voice = {
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_id": "AwACAgIAAxkBvoice",
            "file_unique_id": "AgADvoice",
            "file_size": 8120,
        }
        return self.api.enqueue({"message": self._message(voice=voice)})

    def press(self, message: dict[str, Any], label: str) -> dict[str, Any]:
        """The user presses the inline button labelled ``label`` under ``message``."""
        markup = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return self.press_data(message, button["callback_data"])
        labels = [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
        raise AssertionError(f"no button {label!r} under message {message.get('message_id')}: {labels}")

    def press_data(self, message: dict[str, Any], data: str) -> dict[str, Any]:
        """A callback query with ``data`` from ``message`` (as Telegram sends it: a copy of the message)."""
        query_id = self.api.new_callback_query()
        query = {
            "id": query_id,
            "from": self.as_user(),
            "message": copy.deepcopy(message),
            "chat_instance": f"-{self.id}{BOT_ID}",
            "data": data,
        }
        return self.api.enqueue({"callback_query": query})

    def buttons(self, message: dict[str, Any]) -> list[tuple[str, str]]:
        """(label, callback data) of the inline buttons under ``message``, row by row."""
        markup = message.get("reply_markup") or {}
        return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]

    async def next_message(self, within: float = 10.0) -> dict[str, Any]:
        """Wait (up to ``within`` seconds) for the next bot message not yet returned here."""
        await self.api.wait_for(lambda: len(self.received) > self._cursor, within, f"a message to {self.id}")
        message = self.received[self._cursor]
        self._cursor += 1
        return message

    async def next_message_where(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 10.0
    ) -> dict[str, Any]:
        """Skip bot messages until one satisfies ``predicate``."""
        while True:
            message = await self.next_message(within)
            if predicate(message):
                return message

    def skip_received(self) -> None:
        """Forget messages received so far (the next wait sees only new ones)."""
        self._cursor = len(self.received)


class FakeTelegram:
    """The Bot API's state: pending updates, chats, sent messages, webhook, commands, faults."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.pending: list[dict[str, Any]] = []
        self.users: dict[int, FakeUser] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.held: dict[str, StoredFile] = {}
        self.blocked: set[int] = set()
        self.webhook: dict[str, Any] | None = None
        self.commands: list[dict[str, Any]] = []
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        # Seconds each call takes, so concurrent senders really interleave on the wire.
        self.latency = 0.0
        self._queries: dict[str, bool] = {}
        self._update_ids = itertools.count(700_000_001)
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._methods: dict[str, Callable[[dict[str, Any], dict[str, tuple[str, bytes, str]]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
        }

    # -- users' side ---------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "Lan", last_name: str = "Hoàng Thị") -> FakeUser:
        """A user (created on first use) who can write to the bot."""
        if user_id not in self.users:
            self.users[user_id] = FakeUser(self, user_id, first_name, last_name)
        return self.users[user_id]

    def enqueue(self, content: dict[str, Any]) -> dict[str, Any]:
        """Add an update (``{"message": …}`` or ``{"callback_query": …}``) and return it."""
        update = {"update_id": next(self._update_ids), **content}
        self.pending.append(update)
        self._touch()
        return update

    def hold_file(self, file: StoredFile) -> str:
        """Keep a file (uploaded by a user or the bot) and return its new ``file_id``."""
        prefix = "AgACAgIAAxkBAAI" if file.kind == "photo" else "BQACAgIAAxkDAAI"
        file_id = f"{prefix}{next(self._file_ids):06d}"
        self.held[file_id] = file
        return file_id

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count per chat, shared by both sides, as on Telegram."""
        return next(self._message_ids[chat_id])

    def new_callback_query(self) -> str:
        """A fresh callback query id (it may be answered once)."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = False
        return query_id

    def confirm(self, update_id: int) -> None:
        """Drop pending updates up to ``update_id`` (delivered to the webhook)."""
        self.pending = [u for u in self.pending if u["update_id"] > update_id]
        self._touch()

    # -- faults and observation ---------------------------------------------------------------

    def fail(self, method: str, fault: Fault, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``fault``."""
        self.faults[method].extend([fault] * times)

    def calls_to(self, method: str) -> list[Call]:
        """The calls made to ``method``, in order."""
        return [call for call in self.calls if call.method == method]

    def _touch(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], within: float, what: str = "a condition") -> None:
        """Wait up to ``within`` seconds until ``predicate()`` holds, re-checking on every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [c.method for c in self.calls[-10:]]
                raise TimeoutError(f"timed out after {within}s waiting for {what}; last calls: {recent}")
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    # -- the API ----------------------------------------------------------------------------

    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]] | None = None
    ) -> Result:
        """Answer one Bot API request."""
        self.calls.append(Call(method, dict(params), dict(files or {})))
        self._touch()
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.faults.get(method):
            fault = self.faults[method].pop(0)
            if fault.timeout:
                return Result(504, {}, timeout=True)
            return _error(fault.status, fault.description, fault.retry_after)
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = handler(params, files or {})
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            return _error(exc.status, exc.description)
        return _ok(result)

    def _get_me(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return dict(BOT_USER)

    async def _get_updates(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = _int(params, "offset", 0)
        limit = _int(params, "limit", 100)
        timeout = float(params.get("timeout", 0) or 0)
        if offset:
            # An offset confirms every update before it: they are never sent again.
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and timeout > 0:
            try:
                await self.wait_for(lambda: bool(self.pending) or self.webhook is not None, timeout)
            except TimeoutError:
                return []
        return self.pending[:limit]

    def _set_webhook(self, params: dict[str, Any], files: Any) -> bool:
        url = str(params.get("url", ""))
        if not url:
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {
            "url": url,
            "secret_token": params.get("secret_token"),
            "allowed_updates": _json(params, "allowed_updates"),
            "max_connections": _int(params, "max_connections", 40),
        }
        if _bool(params, "drop_pending_updates"):
            self.pending.clear()
        return True

    def _delete_webhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = None
        if _bool(params, "drop_pending_updates"):
            self.pending.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        hook = self.webhook or {}
        info: dict[str, Any] = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if hook:
            info["max_connections"] = hook["max_connections"]
        return info

    def _set_my_commands(self, params: dict[str, Any], files: Any) -> bool:
        commands = _json(params, "commands") or []
        for command in commands:
            if not 1 <= len(command["command"]) <= 32 or not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands = commands
        return True

    def _get_my_commands(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        return self.commands

    def _chat(self, params: dict[str, Any]) -> FakeUser:
        chat_id = _int(params, "chat_id")
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def _check_text(self, text: str) -> None:
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")

    def _inline(self, params: dict[str, Any], user: FakeUser) -> dict[str, Any] | None:
        """Validate reply_markup; apply reply keyboards to the user; return an inline keyboard."""
        markup = _json(params, "reply_markup")
        if not markup:
            return None
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = button.get("callback_data", "")
                    if not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return dict(markup)
        if "keyboard" in markup:
            user.keyboard = markup
        elif markup.get("remove_keyboard"):
            user.keyboard = None
        return None

    def _store(self, user: FakeUser, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": self.next_message_id(user.id),
            "from": dict(BOT_USER),
            "chat": user.as_chat(),
            "date": int(time.time()),
            **content,
        }
        self.messages[(user.id, message["message_id"])] = message
        user.received.append(message)
        self._touch()
        return message

    def _send_message(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        user = self._chat(params)
        text = str(params.get("text", ""))
        self._check_text(text)
        inline = self._inline(params, user)
        content: dict[str, Any] = {"text": text}
        if inline:
            content["reply_markup"] = inline
        return self._store(user, **content)

    def _target(self, params: dict[str, Any]) -> tuple[FakeUser, dict[str, Any]]:
        user = self._chat(params)
        message = self.messages.get((user.id, _int(params, "message_id")))
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        return user, message

    def _edit_message_text(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        _, message = self._target(params)
        text = str(params.get("text", ""))
        self._check_text(text)
        markup = _json(params, "reply_markup") or None
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        # Editing the text without reply_markup removes the inline keyboard, as on Telegram.
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        self._touch()
        return message

    def _edit_message_reply_markup(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        _, message = self._target(params)
        markup = _json(params, "reply_markup") or None
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        self._touch()
        return message

    def _answer_callback_query(self, params: dict[str, Any], files: Any) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self._queries.get(query_id) is not False:
            raise ApiError(
                400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        self._queries[query_id] = True
        return True

    def _send_chat_action(self, params: dict[str, Any], files: Any) -> bool:
        self._chat(params)
        if params.get("action") not in {"typing", "upload_photo", "upload_document"}:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _file(self, params: dict[str, Any], files: Files, key: str) -> tuple[str, StoredFile]:
        """The file a send method carries: an upload (kept under a new file_id), or the file_id
        of a file the API holds, which Telegram accepts only for the kind it was sent as."""
        if key in files:
            filename, data, mime = files[key]
            file_id = self.hold_file(StoredFile(key, len(data), filename, mime))
            self.files[file_id] = data
            return file_id, self.held[file_id]
        file_id = params.get(key)
        if not isinstance(file_id, str) or not file_id:
            raise ApiError(400, f"Bad Request: there is no {key} in the request")
        held = self.held.get(file_id)
        if held is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if held.kind != key:
            raise ApiError(400, "Bad Request: type of file mismatch")
        return file_id, held

    def _send_document(self, params: dict[str, Any], files: Files) -> dict[str, Any]:
        user = self._chat(params)
        file_id, held = self._file(params, files, "document")
        document = {
            "file_name": held.name,
            "mime_type": held.mime_type,
            "file_id": file_id,
            "file_unique_id": f"AgAD{file_id[-6:]}",
            "file_size": held.size,
        }
        return self._store(user, document=document)

    def _send_photo(self, params: dict[str, Any], files: Files) -> dict[str, Any]:
        user = self._chat(params)
        file_id, held = self._file(params, files, "photo")
        sizes = [
            {
                "file_id": f"{file_id}-s",
                "file_unique_id": f"AQAD{file_id[-6:]}s",
                "width": 90,
                "height": 60,
                "file_size": min(held.size, 1200),
            },
            {
                "file_id": file_id,
                "file_unique_id": f"AQAD{file_id[-6:]}",
                "width": 800,
                "height": 533,
                "file_size": held.size,
            },
        ]
        return self._store(user, photo=sizes)
