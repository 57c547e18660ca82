namespace InternS1.Media.Intake;

/// <summary>
/// Resolves a <c>path</c> part inside the media root: the path (relative to the root, or absolute) is normalised,
/// every symbolic link along it is resolved (managed <c>realpath</c>), and the result must lie inside the root's own
/// real path. Anything else is <see cref="MediaErrorKind.Forbidden"/>.
/// </summary>
internal static class MediaRootResolver
{
    private const int MaxLinkDepth = 40;

    public static string Resolve(string? mediaRoot, string path)
    {
        if (string.IsNullOrWhiteSpace(mediaRoot))
            throw MediaException.Forbidden("path sources are disabled (Media:MediaRoot is not configured)");
        if (path.Length == 0 || path.Contains('\0'))
            throw MediaException.Forbidden("path is empty or contains a NUL character");
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mediaRoot));
        if (!Directory.Exists(rootFull))
            throw MediaException.Unreadable($"the media root {rootFull} does not exist");
        var rootReal = RealPath(rootFull);

        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(rootFull, path));
        if (!IsInside(full, rootFull) && !IsInside(full, rootReal))
            throw MediaException.Forbidden("path is outside the media root");
        if (!File.Exists(full) && !Directory.Exists(full) && new FileInfo(full).LinkTarget is null)
            throw MediaException.Unreadable("file not found under the media root");
        var real = RealPath(full);
        if (!IsInside(real, rootReal))
            throw MediaException.Forbidden("path resolves through a symbolic link to a file outside the media root");
        if (Directory.Exists(real)) throw MediaException.Unreadable("path is a directory, not a file");
        if (!File.Exists(real)) throw MediaException.Unreadable("file not found under the media root (dangling link)");
        return real;
    }

    /// <summary>True when <paramref name="path"/> is strictly inside <paramref name="root"/> (both full paths).</summary>
    public static bool IsInside(string path, string root)
    {
        // NOTE: a file-system root keeps its separator ("/"): everything below it is inside.
        var r = Path.TrimEndingDirectorySeparator(root);
        if (r.EndsWith(Path.DirectorySeparatorChar))
            return path.Length > r.Length && path.StartsWith(r, StringComparison.Ordinal);
        return path.Length > r.Length + 1
               && path.StartsWith(r, StringComparison.Ordinal)
               && path[r.Length] == Path.DirectorySeparatorChar;
    }

    /// <summary>The path with every symbolic link resolved, component by component.</summary>
    public static string RealPath(string fullPath, int depth = 0)
    {
        if (depth > MaxLinkDepth) throw MediaException.Unreadable("too many levels of symbolic links");
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is not null)
                next = RealPath(Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target)), depth + 1);
            current = next;
        }
        return current;
    }

    /// <summary>Linux: the file an open handle really refers to (<c>/proc/self/fd/N</c>); null where unavailable.</summary>
    public static string? OpenedPath(FileStream stream)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return new FileInfo($"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
