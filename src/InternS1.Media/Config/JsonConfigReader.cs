using System.Text.Json;

namespace InternS1.Media.Config;

/// <summary>Permissive readers for the optional keys of the Hugging Face processor JSON files; errors name file and key.</summary>
internal static class JsonConfigReader
{
    public static JsonDocument? TryOpen(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    public static bool TryGet(JsonElement root, string key, out JsonElement value)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
            return true;
        value = default;
        return false;
    }

    public static int Int(JsonElement root, string key, int fallback, string file)
    {
        if (!TryGet(root, key, out var v)) return fallback;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        throw new InvalidDataException($"{file}: \"{key}\" must be an integer, got {v.GetRawText()}");
    }

    public static int? NullableInt(JsonElement root, string key, string file)
    {
        if (!TryGet(root, key, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
        throw new InvalidDataException($"{file}: \"{key}\" must be an integer or null, got {v.GetRawText()}");
    }

    public static double? NullableDouble(JsonElement root, string key, string file)
    {
        if (!TryGet(root, key, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        throw new InvalidDataException($"{file}: \"{key}\" must be a number or null, got {v.GetRawText()}");
    }

    public static double Double(JsonElement root, string key, double fallback, string file) =>
        NullableDouble(root, key, file) ?? fallback;

    public static bool Bool(JsonElement root, string key, bool fallback, string file)
    {
        if (!TryGet(root, key, out var v)) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"{file}: \"{key}\" must be true or false, got {v.GetRawText()}"),
        };
    }

    public static double[] Triple(JsonElement root, string key, double[] fallback, string file)
    {
        if (!TryGet(root, key, out var v)) return fallback;
        if (v.ValueKind == JsonValueKind.Number) return [v.GetDouble(), v.GetDouble(), v.GetDouble()];
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 3 && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
            return v.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        throw new InvalidDataException($"{file}: \"{key}\" must be a list of 3 numbers, got {v.GetRawText()}");
    }

    /// <summary>Reads <c>"size": {"height": h, "width": w}</c> (or a bare integer) and requires a square.</summary>
    public static int SquareSize(JsonElement root, string key, int fallback, string file)
    {
        if (!TryGet(root, key, out var v)) return fallback;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n > 0) return n;
        if (v.ValueKind == JsonValueKind.Object)
        {
            var h = Int(v, "height", -1, file);
            var w = Int(v, "width", -1, file);
            if (h > 0 && h == w) return h;
            throw new InvalidDataException($"{file}: \"{key}\" must be {{\"height\": n, \"width\": n}} with equal positive values, got {v.GetRawText()}");
        }
        throw new InvalidDataException($"{file}: \"{key}\" must be an object {{\"height\", \"width\"}}, got {v.GetRawText()}");
    }
}
