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
