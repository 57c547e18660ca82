using System.Diagnostics;

namespace InternS1.Media.Tests.Support;

/// <summary>
/// Test videos generated once per test run with the ffmpeg binary (lavfi sources), in a temporary folder.
/// <see cref="Solid"/>: 64x48, 10 fps, 32 frames (3.2 s); frame n is one solid colour R = 8n, G = 255 - 8n, B = 128,
/// encoded losslessly (libx264 qp 0, yuv444p: colours within a few levels after the YUV round trip).
/// </summary>
public sealed class TestVideos : IDisposable
{
    public TestVideos()
    {
        Folder = Directory.CreateTempSubdirectory("interns1-media-videos-").FullName;
        Solid = Path.Combine(Folder, "solid.mp4");
        Ffmpeg($"-f lavfi -i \"color=c=black:s=64x48:r=10:d=3.2,format=rgb24,geq=r='8*N':g='255-8*N':b='128'\" -c:v libx264 -pix_fmt yuv444p -qp 0 \"{Solid}\"");
        Garbage = Path.Combine(Folder, "garbage.mp4");
        var bytes = new byte[50_000];
        new Random(11).NextBytes(bytes);
        File.WriteAllBytes(Garbage, bytes);
    }

    public string Folder { get; }
    public string Solid { get; }
    public string Garbage { get; }

    public const int SolidFrames = 32;
    public const double SolidFps = 10;

    public static void Ffmpeg(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-v error -y " + arguments) { RedirectStandardError = true })
                            ?? throw new InvalidOperationException("ffmpeg could not be started (is it installed? ops/services.sh installs it)");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments} failed: {error}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
