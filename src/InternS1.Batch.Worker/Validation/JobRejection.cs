namespace InternS1.Batch.Worker.Validation;

/// <summary>Why a job cannot run as given: a reason code from <c>FailureReasons</c> and a message that
/// starts with the JSON path of the field at fault (e.g. <c>sampling.top_p: 1.5 is not in (0, 1]</c>).</summary>
public sealed record JobRejection(string ReasonCode, string Message);
