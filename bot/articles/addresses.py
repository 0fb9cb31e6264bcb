"""Which addresses the bot may fetch from: public ones, private ones only when allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services answer on these; never a source, whatever the settings say.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


class AddressRefusedError(Exception):
    """A host resolves to an address the bot must not connect to; the message says which."""


def refusal(address: IPAddress, allow_private: bool) -> str | None:
    """Why the bot must not connect to ``address``, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast or address.is_unspecified:
        return "not a host address"
    if address.is_global:
        return None
    if address.is_loopback or address.is_private:
        if allow_private:
            return None
        kind = "a loopback" if address.is_loopback else "a private"
        return f"{kind} address (FETCH_ALLOW_PRIVATE=true allows it, for self-hosted sources)"
    return "not a public host address"


async def resolve_allowed(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """Every address ``host`` resolves to, all of them allowed; else AddressRefusedError.
    One refused address refuses the host: DNS may hand out either on the next lookup."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefusedError(f"the host {host} cannot be found ({error})") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        reason = refusal(address, allow_private)
        if reason is not None:
            raise AddressRefusedError(f"{host} is {reason}; the bot does not fetch from there")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise AddressRefusedError(f"the host {host} has no address")
    return addresses
