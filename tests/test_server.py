"""The server's own socket: what app.py sets up before any request arrives."""

import socket

import app


def test_accepted_connections_send_small_messages_at_once():
    """Nagle off (TCP_NODELAY) on every accepted connection: an acknowledgement right after a
    broadcast must not wait for the phone's delayed ACK."""
    listener = app.listening_socket("127.0.0.1", 0)
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        for s in (accepted, client, listener):
            s.close()


def test_the_open_files_limit_is_raised_for_many_connections():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        app.allow_open_files(app.MAX_CONNECTIONS + 100)
        raised = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        assert raised == (
            app.MAX_CONNECTIONS + 100 if hard == resource.RLIM_INFINITY else min(app.MAX_CONNECTIONS + 100, hard)
        )
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
