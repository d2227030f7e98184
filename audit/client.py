"""The client's address, in one place so that every log and audit event agrees on it."""


def client_ip(request) -> str | None:
    """The address of the client that sent ``request``.

    For now the socket's peer (REMOTE_ADDR). Behind the reverse proxy this must come from its
    header, trusted only when the peer is a configured proxy: change it here, nowhere else.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
