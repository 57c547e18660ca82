using InternS1.Media.Images;
using InternS1.Media.Video;

namespace InternS1.Media.Prompts;

/// <summary>One processed media part, in the order of the message parts: an image or a video.</summary>
public sealed record PromptMedia
{
    private PromptMedia(ProcessedImage? image, ProcessedVideo? video)
    {
        Image = image;
        Video = video;
    }

    public ProcessedImage? Image { get; }
    public ProcessedVideo? Video { get; }

    /// <summary>True for an image, false for a video.</summary>
    public bool IsImage => Image is not null;

    public static PromptMedia FromImage(ProcessedImage image) => new(image ?? throw new ArgumentNullException(nameof(image)), null);
    public static PromptMedia FromVideo(ProcessedVideo video) => new(null, video ?? throw new ArgumentNullException(nameof(video)));

    public static implicit operator PromptMedia(ProcessedImage image) => FromImage(image);
    public static implicit operator PromptMedia(ProcessedVideo video) => FromVideo(video);
}
