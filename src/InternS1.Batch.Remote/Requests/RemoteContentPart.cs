namespace InternS1.Batch.Remote.Requests;

/// <summary>One part of a <see cref="RemoteMessage"/>. Media parts carry <c>data:</c> URLs only: the worker
/// fetches and checks every image and video itself, so a server never fetches a user's URL.</summary>
public abstract record RemoteContentPart
{
    private RemoteContentPart() { }

    /// <summary>Text, sent as <c>{"type":"text","text":...}</c>.</summary>
    public sealed record Text(string Value) : RemoteContentPart;

    /// <summary>An image as a <c>data:image/...;base64,</c> URL, sent as <c>image_url</c>.</summary>
    public sealed record Image(string DataUrl) : RemoteContentPart;

    /// <summary>A video as a <c>data:video/...;base64,</c> URL, sent as <c>video_url</c> to flavors that
    /// accept video; other flavors refuse the request with <see cref="Faults.UnsupportedByFlavorException"/>.</summary>
    public sealed record Video(string DataUrl) : RemoteContentPart;
}
