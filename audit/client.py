"""The client's address, in one place so that every log and audit event agrees on it."""


def client_ip(request) -> str | None:
    """The address of the client that sent ``request``, as the lockout and the logs see it.

    Behind the reverse proxy it comes from the proxy's header, believed only from a configured
    trusted proxy (portal.security.client_ip says how).
    """
    if request is None:
        return None
    from portal.security import client_ip as proxy_aware_client_ip

    return proxy_aware_client_ip(request) or None
