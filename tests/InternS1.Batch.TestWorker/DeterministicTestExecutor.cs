using System.Collections.Concurrent;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Execution;

namespace InternS1.Batch.TestWorker;

/// <summary>
/// A deterministic stand-in for the engine (tests only). For a job it answers <c>echo: {last user text}</c>
/// and accounts tokens by a fixed rule the tests recompute independently:
/// prompt_tokens = words of all text (strings and text parts) + 256 per image part + 64 per video part,
/// image_tokens = 256 per image part, video_tokens = 64 per video part, completion_tokens = words of the
/// answer, reasoning_tokens = 0 (1 when enable_thinking). It also plays the executor's failure roles:
/// a media <c>path</c> that does not exist under <see cref="MediaRoot"/> -> <c>media_unreadable</c>; more than
/// <see cref="ContextWords"/> prompt tokens -> <c>prompt_too_long</c>; metadata <c>{"test":"transient"}</c>
/// -> <see cref="TransientJobException"/> every time; metadata <c>{"test":"cut-short"}</c> -> the
/// <see cref="IOException"/> of a media server that closes the connection before the body ends; metadata
/// <c>{"test":"crash"}</c>, only when the process was started with <c>INTERNS1_TEST_CRASH=kill</c>
/// (<see cref="KillOnCrashMarker"/>, the process-level tests' worker), kills its own process (SIGKILL)
/// <see cref="CrashDelay"/> after it started the job: a job that takes its worker down. Metadata <c>{"test":"verbatim"}</c> answers the last user text
/// itself, without the <c>echo: </c> prefix (a server that returns what it likes, for the structured-output checks).
/// </summary>
public sealed class DeterministicTestExecutor : IPromptJobExecutor
{
    public const int ImageTokens = 256;
    public const int VideoTokens = 64;
    private static readonly Lock LogLock = new();

    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(
        int.TryParse(Environment.GetEnvironmentVariable("INTERNS1_TEST_DELAY_MS"), out var ms) ? ms : 0);

    public string? ExecutionLog { get; init; } = Environment.GetEnvironmentVariable("INTERNS1_TEST_EXECUTION_LOG");

    public string MediaRoot { get; init; } = Environment.GetEnvironmentVariable("INTERNS1_TEST_MEDIA_ROOT") ?? Path.GetTempPath();

    public int ContextWords { get; init; } = 1000;

    /// <summary>Whether a job marked <c>{"test":"crash"}</c> kills this process (INTERNS1_TEST_CRASH=kill); off otherwise,
    /// so an in-process test host can never be killed by it.</summary>
    public bool KillOnCrashMarker { get; init; } = Environment.GetEnvironmentVariable("INTERNS1_TEST_CRASH") == "kill";

    /// <summary>How long a crashing job runs before it kills the process (INTERNS1_TEST_CRASH_DELAY_MS, default 300 ms).</summary>
    public TimeSpan CrashDelay { get; init; } = TimeSpan.FromMilliseconds(
        int.TryParse(Environment.GetEnvironmentVariable("INTERNS1_TEST_CRASH_DELAY_MS"), out var crashMs) ? crashMs : 300);

    /// <summary>Executions per job id in this process.</summary>
    public ConcurrentDictionary<string, int> Executions { get; } = new();

    public async Task<JobOutcome> ExecuteAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        Executions.AddOrUpdate(job.JobId, 1, (_, n) => n + 1);
        if (ExecutionLog is not null)
        {
            lock (LogLock)
                AppendAcrossProcesses(ExecutionLog, $"{job.JobId} {Environment.ProcessId}\n");
        }
        var marker = job.Metadata?.TryGetValue("test", out var test) == true && test.ValueKind == System.Text.Json.JsonValueKind.String ? test.GetString() : null;
        if (marker == "transient")
            throw new TransientJobException("test: simulated engine out of memory");
        if (marker == "cut-short")
            throw new IOException("test: the response ended prematurely (the media server closed the connection after 1000 of 5000 bytes)");
        if (marker == "crash" && KillOnCrashMarker)
        {
            await Task.Delay(CrashDelay, cancellationToken);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, cancellationToken);

        int words = 0, images = 0, videos = 0;
        string last = "";
        for (var i = 0; i < job.Messages.Count; i++)
        {
            var m = job.Messages[i];
            if (m.Content?.Text is { } text)
            {
                words += Words(text);
                if (m.Role == "user") last = text;
            }
            for (var j = 0; j < (m.Content?.Parts?.Count ?? 0); j++)
            {
                var p = m.Content!.Parts![j];
                switch (p.Type)
                {
                    case ContentPart.TextType:
                        words += Words(p.Text!);
                        if (m.Role == "user") last = p.Text!;
                        break;
                    case ContentPart.ImageType or ContentPart.ImageUrlType:
                        images++;
                        break;
                    case ContentPart.VideoType:
                        videos++;
                        break;
                }
                if (p.Path is { } path && !File.Exists(Path.Combine(MediaRoot, path)))
                    return new JobOutcome.Rejected(FailureReasons.MediaUnreadable, $"messages[{i}].content[{j}].path: '{path}' not found");
            }
        }
        var prompt = words + ImageTokens * images + VideoTokens * videos;
        if (prompt > ContextWords)
            return new JobOutcome.Rejected(FailureReasons.PromptTooLong, $"messages: the prompt has {prompt} tokens, the model context is {ContextWords}");
        var verbatim = job.Metadata?.TryGetValue("test", out var mode) == true && mode.ValueKind == System.Text.Json.JsonValueKind.String && mode.GetString() == "verbatim";
        var content = verbatim ? last : "echo: " + last;
        return new JobOutcome.Completed(new JobCompletion
        {
            Content = content,
            ReasoningContent = job.EnableThinking ? "thinking" : null,
            FinishReason = "stop",
            Model = "test-echo",
            Seed = job.Sampling?.Seed ?? 0,
            Usage = new TokenUsageInfo
            {
                PromptTokens = prompt, ImageTokens = ImageTokens * images, VideoTokens = VideoTokens * videos,
                CompletionTokens = Words(content) + (job.EnableThinking ? 1 : 0), ReasoningTokens = job.EnableThinking ? 1 : 0,
            },
            DecodeTime = Delay,
        });
    }

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Appends a line to a file that several worker processes share.</summary>
    /// <remarks>NOTE: File.AppendAllText seeks to the end and writes, so two processes can overwrite each other's line;
    /// FileShare.None takes an exclusive advisory lock (flock) on Unix, so each append waits for the other's.</remarks>
    private static void AppendAcrossProcesses(string path, string line)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
                file.Write(bytes);
                return;
            }
            catch (IOException) when (attempt < 1000)
            {
                Thread.Sleep(2);
            }
        }
    }
}
