using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Prompts;
using InternS1.Media.Video;

namespace InternS1.Media.Intake;

/// <summary>
/// Fetch + preprocess of one media part, in two steps so that a job can be judged before any pixel is decoded:
/// <see cref="ProbeAsync"/> (<see cref="MediaFetcher"/> under the limits, then the image header or the video probe:
/// pixel, duration and frame limits, tiles, tokens and memory) and <see cref="DecodeAsync"/>
/// (<see cref="ImagePreprocessor"/> or <see cref="VideoPreprocessor"/>); <see cref="LoadAsync"/> does both. Every
/// failure is a <see cref="MediaException"/> whose message names the part. Thread-safe.
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

    /// <summary>Loads an image or a video part (<paramref name="numFrames"/>: videos only, the part's <c>num_frames</c>):
    /// <see cref="ProbeAsync"/> then <see cref="DecodeAsync"/>.</summary>
    public async Task<PromptMedia> LoadAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken)
    {
        using var probed = await ProbeAsync(source, part, numFrames, cancellationToken).ConfigureAwait(false);
        return await DecodeAsync(probed, cancellationToken).ConfigureAwait(false);
    }

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
                tokens = (await Videos.PlanAsync(fetched.FilePath!, numFrames, cancellationToken).ConfigureAwait(false)).ContextTokens;
            }
            return new InspectedMedia { Type = source.Type, Bytes = bytes, MimeType = MediaSignatures.Sniff(bytes), ContextTokens = tokens };
        }
        catch (MediaException e)
        {
            throw e.WithPart(described);
        }
    }

    public async Task<ProcessedImage> LoadImageAsync(MediaSource source, string part, CancellationToken cancellationToken)
        => (await LoadAsync(source, part, null, cancellationToken).ConfigureAwait(false)).Image
           ?? throw new ArgumentException($"{part}: the source is a {source.Type}, not an image", nameof(source));

    public async Task<ProcessedVideo> LoadVideoAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken)
        => (await LoadAsync(source, part, numFrames, cancellationToken).ConfigureAwait(false)).Video
           ?? throw new ArgumentException($"{part}: the source is a {source.Type}, not a video", nameof(source));

    /// <summary>
    /// Fetches one part under the size limits and reads what it will cost without decoding it: an image's header (size,
    /// then grid, tiles and tokens; the pixel limit is checked here), a video's probe (duration, frame size and frame
    /// limits checked here; the frames to sample). Dispose the result (it may hold a temporary file).
    /// </summary>
    public async Task<ProbedMedia> ProbeAsync(MediaSource source, string part, int? numFrames, CancellationToken cancellationToken)
    {
        var described = $"{part} ({source.Describe()})";
        if (source.Type == MediaType.Video)
        {
            try
            {
                Videos.ResolveFrameCount(numFrames); // bad num_frames fails before any download
            }
            catch (MediaException e)
            {
                throw e.WithPart(described);
            }
        }
        var fetched = await _fetcher.FetchAsync(source, part, cancellationToken).ConfigureAwait(false);
        try
        {
            if (source.Type == MediaType.Image)
            {
                if (fetched.Bytes is null)
                {
                    var read = await File.ReadAllBytesAsync(fetched.FilePath!, cancellationToken).ConfigureAwait(false);
                    fetched.Dispose();
                    fetched = FetchedMedia.InMemory(read);
                }
                var (width, height) = ImageDecoder.ReadSize(fetched.Bytes!, _options.MaxImagePixels);
                return new ProbedMedia(described, fetched, Images.Plan(width, height), null);
            }
            var plan = await Videos.PlanAsync(fetched.FilePath!, numFrames, cancellationToken).ConfigureAwait(false);
            return new ProbedMedia(described, fetched, null, plan);
        }
        catch (MediaException e)
        {
            fetched.Dispose();
            throw e.WithPart(described);
        }
        catch
        {
            fetched.Dispose();
            throw;
        }
    }

    /// <summary>Decodes and preprocesses a probed part (<see cref="ProbeAsync"/>): tiles for an image, one tile per
    /// sampled frame for a video. The part stays the caller's to dispose.</summary>
    public async Task<PromptMedia> DecodeAsync(ProbedMedia probed, CancellationToken cancellationToken)
    {
        try
        {
            if (probed.Image is not null)
                return PromptMedia.FromImage(Images.Process(probed.Fetched.Bytes!, _options.MaxImagePixels));
            return PromptMedia.FromVideo(await Videos.DecodeAsync(probed.Fetched.FilePath!, probed.Video!, cancellationToken).ConfigureAwait(false));
        }
        catch (MediaException e)
        {
            throw e.WithPart(probed.Part);
        }
    }
}
