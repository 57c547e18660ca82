namespace InternS1.Batch.Benchmarks.Common;

/// <summary>Peak resident memory of this process from /proc/self/status (VmHWM), resettable through
/// /proc/self/clear_refs (Linux); torch's CPU allocations are part of it.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size in bytes since start or the last <see cref="ResetPeak"/>; null when unavailable.</summary>
    public static long? PeakResidentBytes() => ReadStatusKb("VmHWM:") * 1024;

    /// <summary>Current resident set size in bytes; null when unavailable.</summary>
    public static long? ResidentBytes() => ReadStatusKb("VmRSS:") * 1024;

    /// <summary>Resets the peak to the current resident size (writes 5 to /proc/self/clear_refs); false when not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? ReadStatusKb(string key)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0]);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
