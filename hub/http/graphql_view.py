"""The GraphQL endpoint: strawberry's ASGI app with the hub's per-request context.

Over HTTP a context lives for one request; over a WebSocket for the whole connection, where the
client authenticates in `connection_init` (graphql-transport-ws or the legacy graphql-ws).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import timedelta
from typing import Any, cast

import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema import BaseSchema
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType
from strawberry.utils.aio import aclosing

from hub.domain.accounts import ANONYMOUS
from hub.domain.messages import pick_language
from hub.graphql.compiled import CompiledReads
from hub.graphql.context import Context
from hub.graphql.cost.limit import asks_for_cost
from hub.graphql.encoding import json_bytes
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.live.channel import CURRENT_CHANNEL, ChannelSlot
from hub.graphql.loaders import make_loaders
from hub.http.clients import client_key
from hub.http.cookies import (
    BROWSER_COOKIE,
    EDIT_TOKEN_HEADER,
    SESSION_COOKIE,
    ResponseCookies,
    secure_cookies,
)
from hub.http.live_frames import OperationChannel
from hub.http.socket_admission import SocketRefusal, admit_websocket, refuse_websocket
from hub.http.websocket_protocol import FRAMES_EXTENSION, FrameWriter
from hub.limits.sockets import TooManySockets
from hub.observability.operations import GRAPHQL_OPERATIONS
from hub.observability.request_context import name_operation
from hub.services.accounts import identify
from hub.settings import Settings

STATIC_PREFIX = "/static/graphiql/"
# connection_ack without a payload.
NO_ACK_PAYLOAD = cast(UnsetType, UNSET)


def bearer_token(request: Request | WebSocket) -> str | None:
    """The token of an `Authorization: Bearer ...` header, if any."""
    return _bearer(request.headers.get("authorization", ""))


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def connection_token(params: Mapping[str, object] | None) -> str | None:
    """The token a WebSocket client sent in connection_init: `{"authorization": "Bearer ..."}`
    (as HTTP clients send it) or `{"token": "..."}`. Never read from the URL, which logs keep."""
    if not params:
        return None
    for key in ("authorization", "Authorization"):
        value = params.get(key)
        if isinstance(value, str):
            return _bearer(value) or value.strip() or None
    token = params.get("token")
    return token.strip() or None if isinstance(token, str) else None


# Headers a cross-site HTML form cannot send, and that a cross-site script can send only after a
# CORS preflight the hub never approves. Apollo's clients send the first one with uploads.
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name", "x-hub-upload")


def upload_allowed(request: Request) -> bool:
    """A multipart request (what an HTML form can send across sites, cookies included) must
    carry a bearer token or one of PREFLIGHT_HEADERS; other requests are not concerned."""
    content_type = request.headers.get("content-type", "").lower()
    if request.method != "POST" or not content_type.startswith("multipart/form-data"):
        return True
    if bearer_token(request) is not None:
        return True
    return any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS)


def _csrf_refusal() -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": "A multipart request needs an Authorization bearer token or an "
                    "Apollo-Require-Preflight header (cross-site request forgery protection).",
                    "extensions": {"code": ErrorCode.CSRF_REFUSED.value},
                }
            ]
        },
        status_code=400,
    )


def _refusal_of(error: HTTPException) -> Response:
    """Strawberry's refusals of a malformed request (body not JSON, a content type it does not
    serve, variables not an object, a batch, a mutation over GET) as JSON errors with a code,
    like every other refusal, instead of its plain text."""
    code = ErrorCode.BAD_REQUEST.value
    body = {"errors": [{"message": error.reason, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=error.status_code)


def _encode(data: object) -> str:
    return json_bytes(data).decode()


def _retry_after_header(response: Response) -> Callable[[int], None]:
    def tell(seconds: int) -> None:
        response.headers["retry-after"] = str(seconds)

    return tell


class TextFrames(ASGIWebSocketAdapter):
    """Sends JSON as text frames: graphql-ws clients ignore binary ones."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        """Send one protocol message."""
        try:
            await self.ws.send_text(_encode(message))
        except (WebSocketDisconnect, RuntimeError) as exc:
            # RuntimeError: the hub closed the socket (shutdown, slow consumer) mid-operation.
            raise WebSocketDisconnected from exc


class TransportProtocol(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, with a channel per operation to which the live fan-out writes
    shared renderings directly (hub.http.live_frames), when the server offers a frame writer.

    A subscription that joins a cohort outlives its operation's task: once its replay is sent,
    nothing of strawberry's execution is kept for it (that is most of what an idle subscriber
    costs); the cohort member stays until the client completes it or the socket closes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._channels: dict[str, OperationChannel] = {}

    async def handle_connection_init(self, message: Any) -> None:
        """Acknowledge as strawberry does, then drop its finished deadline task, which would
        otherwise keep its CancelledError, traceback and frames for the socket's whole life."""
        await super().handle_connection_init(message)
        task = self.connection_init_timeout_task
        if task is not None and task.done():
            self.connection_init_timeout_task = None

    async def handle_subscribe(self, message: Any) -> None:
        """Subscribe as strawberry does; past the operations a socket may hold, the refusal
        carries `extensions.code` like every other (strawberry's has none)."""
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message.get("id") not in self.operations
            and len(self.operations) >= limit
        ):
            refusal = hub_error(
                ErrorCode.RATE_LIMITED,
                f"A connection holds at most {limit} operations: complete one first.",
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [refusal.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Run the operation as strawberry does, its channel set for `entryEvents` to find; a
        subscription adopted by a cohort is not completed when its stream ends."""
        writer = frame_writer(self.websocket)
        if writer is None:
            await super().run_operation(operation)
            return
        limit = self.context.settings.live_queue_size
        channel = OperationChannel(writer, self.operations, operation, limit, self.websocket)
        self._channels[operation.id] = channel
        slot = ChannelSlot(channel)
        CURRENT_CHANNEL.set(slot)
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            if channel.adopted:
                return
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
        finally:
            slot.channel = None
            if not channel.adopted:
                self._forget_channel(operation.id, channel)

    async def cleanup_operation(self, operation_id: str) -> None:
        """Stop the operation (the client completed it, or the socket is closing)."""
        self._forget_channel(operation_id)
        await super().cleanup_operation(operation_id)

    def forget_id(self, id: str) -> None:
        """The operation ended (strawberry sent complete or error): its channel goes too."""
        self._forget_channel(id)
        super().forget_id(id)

    def _forget_channel(self, operation_id: str, channel: OperationChannel | None = None) -> None:
        """Make the operation's channel (or `channel`, which a newer operation under the same
        id may have replaced already) leave its cohort, and forget it."""
        known = self._channels.get(operation_id)
        channel = channel or known
        if channel is None:
            return
        if known is channel:
            del self._channels[operation_id]
        channel.leave()


def frame_writer(adapter: object) -> FrameWriter | None:
    """The connection's frame writer (hub.http.websocket_protocol), when the server has one."""
    websocket = getattr(adapter, "ws", None)
    if not isinstance(websocket, WebSocket):
        return None
    writer = websocket.scope.get("extensions", {}).get(FRAMES_EXTENSION)
    return writer if isinstance(writer, FrameWriter) else None


class LegacyProtocol(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws protocol, closed (4408) when connection_init never comes.

    graphql-transport-ws has that timeout built in; without it here, a client could hold a
    connection open for ever without authenticating.
    """

    async def handle(self) -> None:
        """Serve the connection, with a deadline for connection_init."""
        deadline = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            deadline.cancel()
            with suppress(asyncio.CancelledError):
                await deadline

    async def _close_unless_initialised(self) -> None:
        view: Any = self.view
        await asyncio.sleep(view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.websocket.close(code=4408, reason="Connection initialisation timeout")


class HubGraphQL(GraphQL[Context, None]):
    """Builds a fresh Context (and fresh DataLoaders) for every request or connection."""

    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = TransportProtocol
    graphql_ws_handler_class = LegacyProtocol

    def __init__(self, schema: BaseSchema, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            keep_alive=True,
            keep_alive_interval=settings.live_keepalive_seconds,
            connection_init_wait_timeout=timedelta(seconds=settings.live_init_timeout_seconds),
            max_subscriptions_per_connection=settings.live_max_subscriptions,
            # File uploads (importEntries), guarded against cross-site forms in `run`.
            multipart_uploads_enabled=True,
            # A browser sends the session cookie with a WebSocket handshake whatever page
            # opens it: strawberry refuses (403) pages of origins other than the hub's own and
            # these (cross-site WebSocket hijacking).
            allowed_origins=settings.allowed_origins,
        )
        self.compiled = (
            CompiledReads(cast(strawberry.Schema, schema), settings)
            if settings.compiled_reads
            else None
        )

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL loading its scripts from the hub itself (scripts/vendor-graphiql).

        A hub on a disaster-zone network may have no internet access; the page keeps its
        integrity hashes, so the browser still checks each file is the published one.
        """
        return super().graphql_ide_html.replace("https://unpkg.com/", STATIC_PREFIX)

    def parse_json(self, data: str | bytes) -> Any:
        """JSON from a request; bytes that are not UTF-8 and values nested too deep to decode are
        refused like bad JSON (strawberry catches only JSONDecodeError, and answered 500 to a
        UnicodeDecodeError or a RecursionError)."""
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            # RecursionError: arrays or objects nested deeper than the parser recurses.
            raise HTTPException(400, "Unable to parse request body as JSON") from None

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request's operation; a body (or multipart `operations`) that is JSON but not an
        object, such as `null`, `42` or `"{ x }"`, is refused with 400. Strawberry calls `.get`
        on whatever it decoded, and answered those with 500."""
        try:
            return await super().parse_http_body(request)
        except AttributeError:
            raise HTTPException(400, "The request must be a JSON object") from None

    def encode_json(self, data: object) -> bytes:
        """UTF-8 JSON: Chinese text as itself, not as \\u escapes six times its size."""
        return json_bytes(data)

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        """Serve a request. WebSockets are admitted first (connect rate and caps, see
        hub.http.socket_admission), then tracked so that shutdown can close them (1001)."""
        if not isinstance(request, WebSocket):
            if not upload_allowed(request):
                return _csrf_refusal()
            try:
                return await super().run(request, context, root_value)
            except HTTPException as error:
                return _refusal_of(error)
            finally:
                # Uploaded files are spooled to temporary files: close them (a no-op otherwise).
                await request.close()
        state: Any = request.app.state
        refusal = await admit_websocket(request, state)
        if refusal is not None:
            await refuse_websocket(request, refusal)
            return request
        try:
            with state.sockets.held(client_key(request)):
                connections = state.live.connections
                connections.add(request)
                try:
                    return await super().run(request, context, root_value)
                finally:
                    connections.discard(request)
        except TooManySockets as full:
            await refuse_websocket(request, SocketRefusal.too_many(full))
            return request

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The compiled path for the public list queries it covers; strawberry otherwise."""
        name_operation(GRAPHQL_OPERATIONS.label(request_data.operation_name, request_data.query))
        compiled = self.compiled
        # A client asking for the cost is answered by strawberry, which reports it.
        if (
            compiled is not None
            and (request_adapter.method == "POST" or self.allow_queries_via_get)
            and not asks_for_cost(request_data.extensions)
        ):
            data = await compiled.execute(
                request_data.query, request_data.variables, request_data.operation_name, context
            )
            if data is not None:
                return ExecutionResult(data=data, errors=None)
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        state: Any = request.app.state
        language = pick_language(
            request.headers.get("accept-language"), state.settings.default_language
        )
        bearer = bearer_token(request)
        session_token = request.cookies.get(SESSION_COOKIE) if bearer is None else None
        idle = timedelta(hours=state.settings.session_idle_hours)
        viewer = await identify(state.db, session_token, bearer, idle)
        websocket = request if isinstance(request, WebSocket) else None
        peer = request.client.host if request.client else None
        return Context(
            db=state.db,
            settings=state.settings,
            language=language,
            loaders=make_loaders(state.db),
            categories=await state.taxonomy.categories(),
            viewer=viewer or ANONYMOUS,
            client=peer,
            client_key=client_key(request),
            limiter=state.limiter,
            identity=state.identity,
            hashing=state.hashing,
            retry_after=_retry_after_header(response) if isinstance(response, Response) else None,
            browser=request.cookies.get(BROWSER_COOKIE) or None,
            edit_token=request.headers.get(EDIT_TOKEN_HEADER) or None,
            bad_credentials=bearer is not None and viewer is None,
            cookies=ResponseCookies(
                response, secure=secure_cookies(request.scope, state.settings.cookie_secure)
            )
            if isinstance(response, Response)
            else None,
            session_token=session_token if viewer else None,
            live=state.live,
            search=state.search,
            connection=websocket,
            data_version=getattr(state, "data_version", None),
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a WebSocket from its connection_init payload (as HTTP does)."""
        token = connection_token(context.connection_params)
        viewer = None if token is None else await identify(context.db, None, token)
        if context.bad_credentials or (token is not None and viewer is None):
            # As over HTTP: an unknown token is refused, never read as anonymous.
            raise ConnectionRejectionError(
                {
                    "message": "Unknown or revoked API token.",
                    "extensions": {"code": ErrorCode.UNAUTHENTICATED.value},
                }
            )
        if viewer is None:
            return NO_ACK_PAYLOAD
        context.viewer = viewer
        context.session_token = None
        return NO_ACK_PAYLOAD
