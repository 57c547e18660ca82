using InternS1.Engine.Torch.Running;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>
/// Applies <see cref="ModelOptions.KeepFreedMemory"/> to this process (<see cref="GlibcHeap.KeepFreedMemory"/>), the
/// same way in the worker and in every <c>model</c> and <c>bench</c> command, so the benchmarks measure the process
/// users run; returns the line to log.
/// </summary>
internal static class ProcessHeap
{
    /// <summary>Applies the setting; the returned line says what is in force (including MALLOC_* variables).</summary>
    public static string Apply(bool keepFreedMemory)
    {
        var environment = string.Join(' ', Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MALLOC_", StringComparison.Ordinal) || k == "GLIBC_TUNABLES")
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"));
        var suffix = environment.Length == 0 ? "" : $"; environment {environment}";
        if (!keepFreedMemory)
            return $"Heap: glibc defaults (Model:KeepFreedMemory=false){suffix}";
        return GlibcHeap.KeepFreedMemory()
            ? $"Heap: {GlibcHeap.KeepFreedMemoryDescription} applied (Model:KeepFreedMemory=true){suffix}"
            : $"Heap: not glibc, left as it is (Model:KeepFreedMemory=true has no effect here){suffix}";
    }

    /// <summary>Short form for benchmark tables: what <see cref="Apply"/> put in force.</summary>
    public static string Describe(bool keepFreedMemory) => keepFreedMemory && OperatingSystem.IsLinux()
        ? GlibcHeap.KeepFreedMemoryDescription
        : "glibc defaults";
}
