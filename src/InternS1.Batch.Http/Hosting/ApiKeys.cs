using System.Security.Cryptography;
using System.Text;

namespace InternS1.Batch.Http.Hosting;

/// <summary>
/// The API keys an endpoint accepts (<c>Authorization: Bearer KEY</c>, as OpenAI clients send it). A presented key is
/// compared with every configured key in constant time: both are hashed (SHA-256, so the lengths are equal) and
/// compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, and the loop never stops early, so the time
/// taken tells nothing about how much of a key matched or which key it was.
/// </summary>
public sealed class ApiKeys
{
    private readonly byte[][] _hashes;

    /// <summary>Accepts exactly <paramref name="keys"/> (blank entries are ignored); none = every request passes.</summary>
    public ApiKeys(IEnumerable<string>? keys) =>
        _hashes = (keys ?? []).Where(k => !string.IsNullOrWhiteSpace(k)).Select(Hash).ToArray();

    /// <summary>True when no key is configured (the endpoint is open).</summary>
    public bool IsOpen => _hashes.Length == 0;

    /// <summary>True when <paramref name="presented"/> is one of the keys (or none is configured).</summary>
    public bool Accepts(string? presented)
    {
        if (IsOpen) return true;
        if (string.IsNullOrEmpty(presented)) return false;
        var hash = Hash(presented);
        var match = false;
        foreach (var key in _hashes)
            match |= CryptographicOperations.FixedTimeEquals(hash, key);
        return match;
    }

    /// <summary>The key of an <c>Authorization</c> header value (<c>Bearer KEY</c>), or null.</summary>
    public static string? FromAuthorization(string? header)
    {
        const string bearer = "Bearer ";
        return header is not null && header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? header[bearer.Length..].Trim() : null;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
