using InternS1.Media.Images;
using InternS1.Media.Video;

namespace InternS1.Media.Intake;

/// <summary>
/// One media part fetched (under the size limits) and probed (image header, video probe), not yet decoded: the tokens
/// it will fill and the memory decoding it needs are known, so a job can be refused or wait for memory before any pixel
/// is decoded (<see cref="MediaLoader.ProbeAsync"/>, then <see cref="MediaLoader.DecodeAsync"/>). Dispose deletes a
/// temporary download.
/// </summary>
public sealed class ProbedMedia : IDisposable
{
    internal ProbedMedia(string part, FetchedMedia fetched, ImagePlan? image, VideoPlan? video)
    {
        Part = part;
        Fetched = fetched;
        Image = image;
        Video = video;
    }

    /// <summary>The part and its source, for messages (e.g. <c>messages[0].content[1] (image path a.png)</c>).</summary>
    public string Part { get; }

    internal FetchedMedia Fetched { get; }

    /// <summary>The plan of an image part; null for a video.</summary>
    public ImagePlan? Image { get; }

    /// <summary>The plan of a video part; null for an image.</summary>
    public VideoPlan? Video { get; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens the part fills at most (images: exactly).</summary>
    public int ContextTokens => Image?.ContextTokens ?? Video!.ContextTokens;

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens the part fills at least (images: exactly).</summary>
    public int MinimumContextTokens => Image?.ContextTokens ?? Video!.MinimumContextTokens;

    /// <summary>Bytes held in memory now (an image's encoded bytes; a video waits in a file).</summary>
    public long FetchedBytes => Fetched.Bytes?.LongLength ?? 0;

    /// <summary>Bytes needed while the part is decoded (the encoded bytes' copy for the codec included).</summary>
    public long TransientBytes => FetchedBytes + (Image?.TransientBytes ?? Video!.TransientBytes);

    /// <summary>Bytes of the float32 tiles the part keeps until its job ends.</summary>
    public long TileBytes => Image?.TileBytes ?? Video!.TileBytes;

    public void Dispose() => Fetched.Dispose();
}
