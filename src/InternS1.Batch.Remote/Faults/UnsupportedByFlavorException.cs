using InternS1.Batch.Remote.Options;

namespace InternS1.Batch.Remote.Faults;

/// <summary>
/// The request holds content the server flavor cannot take (video for a flavor without a video path,
/// an image type Ollama cannot decode). Raised before any request is sent; the worker dead-letters the
/// job as <c>unsupported_content</c> with this message, which names the flavor and the part.
/// </summary>
public sealed class UnsupportedByFlavorException : Exception
{
    public UnsupportedByFlavorException(RemoteFlavor flavor, string part, string problem)
        : base($"{part}: {problem} is not supported by the {flavor.ToString().ToLowerInvariant()} server flavor")
    {
        Flavor = flavor;
        Part = part;
    }

    /// <summary>The flavor of the endpoint the request was built for.</summary>
    public RemoteFlavor Flavor { get; }

    /// <summary>Where the content is, e.g. <c>messages[1].content[0]</c>.</summary>
    public string Part { get; }
}
