namespace InternS1.Media.Intake;

/// <summary>
/// The bytes of one media part: in memory (<see cref="Bytes"/>, images) or in a file (<see cref="FilePath"/>,
/// videos). Dispose deletes the file when it is a temporary download.
/// </summary>
public sealed class FetchedMedia : IDisposable
{
    private readonly bool _deleteOnDispose;

    private FetchedMedia(byte[]? bytes, string? filePath, long length, bool deleteOnDispose)
    {
        Bytes = bytes;
        FilePath = filePath;
        Length = length;
        _deleteOnDispose = deleteOnDispose;
    }

    public byte[]? Bytes { get; }
    public string? FilePath { get; }

    /// <summary>Size in bytes.</summary>
    public long Length { get; }

    internal static FetchedMedia InMemory(byte[] bytes) => new(bytes, null, bytes.Length, false);
    internal static FetchedMedia ExistingFile(string path, long length) => new(null, path, length, false);
    internal static FetchedMedia TemporaryFile(string path, long length) => new(null, path, length, true);

    public void Dispose()
    {
        if (!_deleteOnDispose || FilePath is null) return;
        try { File.Delete(FilePath); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
