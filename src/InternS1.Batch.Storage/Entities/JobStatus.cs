namespace InternS1.Batch.Storage.Entities;

/// <summary>
/// Values of <c>jobs.status</c>. <c>queued</c> (registered by <c>interns1 submit</c>), <c>running</c>
/// (a worker holds the message), then exactly one terminal value: <c>succeeded</c> (a <c>results</c>
/// row exists), <c>dead_lettered</c> (bad input), <c>failed</c> (engine error or transient faults past
/// the retry limit), <c>expired</c> (deadline passed before start) or <c>cancelled</c> (set by an
/// operator; the worker never sets it). Every non-succeeded terminal job has a <c>dead_letters</c> row, except the
/// interactive requests of the serve endpoint: their HTTP response is the report, so one whose engine run failed
/// ends <c>failed</c> and one whose client went away ends <c>cancelled</c>, without a dead letter.
/// </summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string DeadLettered = "dead_lettered";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    /// <summary>Every status, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> All = [Queued, Running, Succeeded, Failed, DeadLettered, Expired, Cancelled];

    /// <summary>Statuses after which a redelivered message is acknowledged without work.</summary>
    public static readonly IReadOnlyList<string> Terminal = [Succeeded, Failed, DeadLettered, Expired, Cancelled];

    /// <summary>True for a status that ends the job.</summary>
    public static bool IsTerminal(string status) => Terminal.Contains(status);
}
