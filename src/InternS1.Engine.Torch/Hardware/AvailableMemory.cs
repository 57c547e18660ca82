namespace InternS1.Engine.Torch.Hardware;

/// <summary>
/// Memory this process can still fill without swapping or being killed: the kernel's <c>MemAvailable</c>
/// (free memory plus reclaimable page cache, from <c>/proc/meminfo</c>), capped by the cgroup v2 limit
/// (<c>memory.max</c> - <c>memory.current</c>) when the process runs in a container with one.
/// </summary>
public static class AvailableMemory
{
    /// <summary>Bytes available now; null where it cannot be read (not Linux).</summary>
    public static long? Bytes()
    {
        var available = MemAvailable(Read("/proc/meminfo"));
        var cgroup = CgroupHeadroom(Read("/sys/fs/cgroup/memory.max"), Read("/sys/fs/cgroup/memory.current"));
        return (available, cgroup) switch
        {
            ({ } a, { } c) => Math.Min(a, c),
            ({ } a, null) => a,
            (null, var c) => c,
        };
    }

    /// <summary>MemAvailable of a /proc/meminfo text, in bytes.</summary>
    public static long? MemAvailable(string? meminfo)
    {
        if (meminfo is null) return null;
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var parts = line["MemAvailable:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 0 && long.TryParse(parts[0], out var kb) ? kb * 1024 : null;
        }
        return null;
    }

    /// <summary>memory.max - memory.current of a cgroup v2; null when unlimited ("max") or unreadable.</summary>
    public static long? CgroupHeadroom(string? max, string? current) =>
        long.TryParse(max?.Trim(), out var limit) && long.TryParse(current?.Trim(), out var used) ? Math.Max(0, limit - used) : null;

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
