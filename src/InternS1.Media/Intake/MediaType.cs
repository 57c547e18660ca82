namespace InternS1.Media.Intake;

/// <summary>Image or video (what a content part claims to be).</summary>
public enum MediaType
{
    Image,
    Video,
}
