using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Prompts;
using InternS1.Media.Video;

namespace InternS1.Media.Intake;

/// <summary>
/// Fetch + preprocess of one media part, the call the worker's job preparation makes per image/video part:
/// <see cref="MediaFetcher"/> under the limits, then <see cref="ImagePreprocessor"/> (decoded pixels checked against
/// <see cref="MediaOptions.MaxImagePixels"/> from the header) or <see cref="VideoPreprocessor"/> (duration, frame
/// size and ffmpeg timeout). Every failure is a <see cref="MediaException"/> whose message names the part.
/// Thread-safe.
/// </summary>
public sealed class MediaLoader
{
    private readonly MediaFetcher _fetcher;
    private readonly MediaOptions _options;

    public MediaLoader(MediaFetcher fetcher, MediaOptions options, MediaPreprocessingConfig config)
    {
        _fetcher = fetcher;
        _options = options;
        Images = new ImagePreprocessor(config.Image, config.TokensPerTile);
        Videos = new VideoPreprocessor(config.Video, config.TokensPerTile, options);
    }

    public ImagePreprocessor Images { get; }
    public VideoPreprocessor Videos { get; }

    /// <summary>Loads an image or a video part (<paramref name="numFrames"/>: videos only, the part's <c>num_frames</c>).</summary>
    public async Task<PromptMedia> LoadAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken) =>
        source.Type == MediaType.Image
            ? PromptMedia.FromImage(await LoadImageAsync(source, part, cancellationToken).ConfigureAwait(false))
            : PromptMedia.FromVideo(await LoadVideoAsync(source, part, numFrames, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Fetches and checks a part exactly as <see cref="LoadAsync"/> does (the same source policy, limits, decoding
    /// and errors) but preprocesses no pixels: the bytes, their media type and the context tokens our preprocessing
    /// would fill. For an engine that preprocesses media itself (a remote server) while the accounting stays ours.
    /// </summary>
    public async Task<InspectedMedia> InspectAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken)
    {
        var described = $"{part} ({source.Describe()})";
        try
        {
            if (source.Type == MediaType.Video)
                Videos.ResolveFrameCount(numFrames); // bad num_frames fails before any download
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
        using var fetched = await _fetcher.FetchAsync(source, part, cancellationToken).ConfigureAwait(false);
        try
        {
            var bytes = fetched.Bytes ?? await File.ReadAllBytesAsync(fetched.FilePath!, cancellationToken).ConfigureAwait(false);
            int tokens;
            if (source.Type == MediaType.Image)
            {
                var image = ImageDecoder.Decode(bytes, _options.MaxImagePixels);
                tokens = Images.CountContextTokens(image.Width, image.Height);
            }
            else
            {
                var (_, indices) = await Videos.PlanAsync(fetched.FilePath!, numFrames, cancellationToken).ConfigureAwait(false);
                tokens = indices.Length * Videos.TokensPerFrame;
            }
            return new InspectedMedia { Type = source.Type, Bytes = bytes, MimeType = MediaSignatures.Sniff(bytes), ContextTokens = tokens };
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
    }

    public async Task<ProcessedImage> LoadImageAsync(MediaSource source, string part, CancellationToken cancellationToken)
    {
        using var fetched = await _fetcher.FetchAsync(source, part, cancellationToken).ConfigureAwait(false);
        try
        {
            var bytes = fetched.Bytes ?? await File.ReadAllBytesAsync(fetched.FilePath!, cancellationToken).ConfigureAwait(false);
            return Images.Process(bytes, _options.MaxImagePixels);
        }
        catch (MediaException e)
        {
            throw e.WithPart($"{part} ({source.Describe()})");
        }
    }

    public async Task<ProcessedVideo> LoadVideoAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken)
    {
        var described = $"{part} ({source.Describe()})";
        try
        {
            Videos.ResolveFrameCount(numFrames); // bad num_frames fails before any download
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
        using var fetched = await _fetcher.FetchAsync(source, part, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Videos.ProcessAsync(fetched.FilePath!, numFrames, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
    }
}
