using System.Net;
using System.Net.Sockets;

namespace InternS1.Media.Intake;

/// <summary>
/// Which IP addresses a download may connect to when private addresses are refused (SSRF): everything except
/// unspecified, loopback, RFC 1918 private, CGNAT 100.64/10, link-local (169.254/16, fe80::/10), unique-local
/// fc00::/7, site-local fec0::/10, multicast, broadcast, reserved 240/4, 0/8, IETF 192.0.0/24, documentation and
/// benchmarking ranges. IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6 addresses are judged by the
/// IPv4 address they carry.
/// </summary>
internal static class AddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublicV4(address.MapToIPv4().GetAddressBytes());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        var b = address.GetAddressBytes();
        if (IPAddress.IPv6None.Equals(address) || IPAddress.IPv6Loopback.Equals(address)) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return false;
        if ((b[0] & 0xFE) == 0xFC) return false;                                          // fc00::/7 unique-local
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;   // 2001:db8::/32 documentation
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublicV4(b[12..]);                                                    // 64:ff9b::/96 NAT64
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]);                      // 2002::/16 6to4
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return false;                   // ::/96 (IPv4-compatible, ::, ::1)
        return true;
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => false,                                         // 0.0.0.0/8 "this network"
        10 => false,                                        // 10/8
        100 when (b[1] & 0xC0) == 64 => false,              // 100.64/10 CGNAT
        127 => false,                                       // loopback
        169 when b[1] == 254 => false,                      // link-local
        172 when (b[1] & 0xF0) == 16 => false,              // 172.16/12
        192 when b[1] == 0 && b[2] == 0 => false,           // 192.0.0/24 IETF
        192 when b[1] == 0 && b[2] == 2 => false,           // TEST-NET-1
        192 when b[1] == 168 => false,                      // 192.168/16
        198 when (b[1] & 0xFE) == 18 => false,              // 198.18/15 benchmarking
        198 when b[1] == 51 && b[2] == 100 => false,        // TEST-NET-2
        203 when b[1] == 0 && b[2] == 113 => false,         // TEST-NET-3
        >= 224 => false,                                    // multicast 224/4, reserved 240/4, broadcast
        _ => true,
    };
}
