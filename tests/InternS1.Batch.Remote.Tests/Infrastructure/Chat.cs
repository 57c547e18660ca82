using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Remote.Requests;

namespace InternS1.Batch.Remote.Tests.Infrastructure;

/// <summary>Small chat requests for tests.</summary>
public static class Chat
{
    /// <summary>One user turn of text.</summary>
    public static RemoteChatRequest Text(string text = "What is the boiling point of water", bool thinking = true, SamplingSettings? sampling = null) => new()
    {
        Messages = [RemoteMessage.FromText("user", text)],
        EnableThinking = thinking,
        Sampling = sampling,
        RequestId = "job-1",
    };

    /// <summary>A 1x1 PNG as a data URL.</summary>
    public const string PngDataUrl =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /// <summary>Four made-up bytes labelled as MP4 (the fake never decodes media).</summary>
    public const string Mp4DataUrl = "data:video/mp4;base64,AAAAGGZ0eXA=";

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails after <paramref name="within"/>.</summary>
    public static async Task Eventually(Func<bool> condition, TimeSpan within, string what)
    {
        var until = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }
}
