using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// What <c>ops/Dockerfile</c> puts into the interns1 image, read from the instructions of its last stage as Docker
/// runs them (continuation lines joined): the repository files each <c>COPY</c> from the build context places, by
/// their path in the image, and the <c>ENTRYPOINT</c>.
/// </summary>
internal static class DockerImage
{
    public static string Dockerfile => Path.Combine(TestServices.RepositoryRoot, "ops", "Dockerfile");

    /// <summary>The instructions of the last stage (<c>FROM</c> onwards), comments dropped and continuations joined.</summary>
    public static IReadOnlyList<string> FinalStage()
    {
        var instructions = new List<string>();
        var current = "";
        foreach (var raw in File.ReadAllLines(Dockerfile))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
                continue;
            current += (current.Length > 0 ? " " : "") + line.TrimEnd('\\').Trim();
            if (line.EndsWith('\\'))
                continue;
            instructions.Add(current);
            current = "";
        }
        var last = instructions.FindLastIndex(i => i.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase));
        return instructions.Skip(last).ToList();
    }

    /// <summary>Image path -> repository file (relative to the repository root) of every file a final-stage
    /// <c>COPY</c> takes from the build context (the repository root, as the Dockerfile's header says).</summary>
    public static IReadOnlyDictionary<string, string> FilesFromContext()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var workdir = "/";
        foreach (var instruction in FinalStage())
        {
            var words = instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0].Equals("WORKDIR", StringComparison.OrdinalIgnoreCase))
                workdir = words[1];
            if (!words[0].Equals("COPY", StringComparison.OrdinalIgnoreCase) || words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
                continue;
            var operands = words.Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            var destination = operands[^1].StartsWith('/') ? operands[^1] : workdir.TrimEnd('/') + "/" + operands[^1];
            foreach (var source in operands.SkipLast(1))
                files[destination.EndsWith('/') ? destination + Path.GetFileName(source) : destination] = source;
        }
        return files;
    }

    /// <summary>The exec form of the final stage's <c>ENTRYPOINT</c> (e.g. <c>/app/interns1</c>).</summary>
    public static IReadOnlyList<string> Entrypoint()
    {
        var instruction = FinalStage().Last(i => i.StartsWith("ENTRYPOINT ", StringComparison.OrdinalIgnoreCase));
        return System.Text.Json.JsonSerializer.Deserialize<string[]>(instruction["ENTRYPOINT ".Length..])!;
    }

    /// <summary>The variables the final stage's <c>ENV</c> instructions set (<c>ENV A=1 B=2</c> form).</summary>
    public static IReadOnlyDictionary<string, string> Environment()
        => FinalStage().Where(i => i.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase))
            .SelectMany(i => i[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    /// <summary>The patterns of <c>ops/Dockerfile.dockerignore</c> (the ignore file BuildKit uses for this Dockerfile).</summary>
    public static IReadOnlyList<string> Ignored()
        => File.ReadAllLines(Dockerfile + ".dockerignore").Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
}
