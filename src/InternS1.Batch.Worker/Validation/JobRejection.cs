namespace InternS1.Batch.Worker.Validation;

/// <summary>Why a job cannot run as given: a reason code from <c>FailureReasons</c>, the JSON path of the field at
/// fault (<see cref="Field"/>, e.g. <c>sampling.top_p</c> or <see cref="JobIdentity.JobIdField"/>) and the problem
/// (<see cref="Detail"/>). Callers decide by <see cref="Field"/>, never by parsing <see cref="Message"/>.</summary>
/// <param name="ReasonCode">A code from <c>FailureReasons</c>.</param>
/// <param name="Field">The JSON path of the field at fault.</param>
/// <param name="Detail">The problem, without the path.</param>
public sealed record JobRejection(string ReasonCode, string Field, string Detail)
{
    /// <summary>The dead letter's message: the field's path, then the problem
    /// (e.g. <c>sampling.top_p: 1.5 is not in (0, 1]</c>).</summary>
    public string Message => $"{Field}: {Detail}";
}
