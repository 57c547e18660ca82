using System.Text.Json;

namespace InternS1.Media.Config;

/// <summary>Only PIL resample 3 (BICUBIC) is implemented; anything else is a clear configuration error.</summary>
internal static class ResampleCheck
{
    public static void RequireBicubic(JsonElement root, string file)
    {
        var resample = JsonConfigReader.NullableInt(root, "resample", file);
        if (resample is not null and not 3)
            throw new InvalidDataException($"{file}: \"resample\" {resample} is not supported; only 3 (bicubic) is implemented");
    }
}
