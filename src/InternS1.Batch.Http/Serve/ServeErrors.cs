using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Preparation;
using InternS1.Batch.Worker.Validation;
using InternS1.Engine.Requests;
using InternS1.Media;
using InternS1.Text.Structured;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Serve;

/// <summary>The endpoint's errors from the worker's own verdicts, with the same reason codes and messages as the dead
/// letters of jobs: a validation rejection, a preparation failure (media, template) and an engine rejection are 400,
/// media over a size limit 413.</summary>
public static class ServeErrors
{
    /// <summary>A job the validator refused (the field's path translated to the request's naming in <c>param</c>).</summary>
    public static ServeException From(JobRejection rejection, ServeRequest request) =>
        new(StatusCodes.Status400BadRequest, rejection.ReasonCode, rejection.Message,
            ChatCompletionRequestMapper.ParamName(rejection.Field, request.Body, request.DatasetFromHeader));

    /// <summary>A job that could not be prepared; 413 for <c>media_too_large</c>. <c>param</c> is the media part, or the
    /// JSON pointer of a schema that did not compile.</summary>
    public static ServeException From(JobPreparationException e) =>
        new(e.ReasonCode == FailureReasons.MediaTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            e.ReasonCode, e.Message, PartPath((e.InnerException as MediaException)?.Part) ?? (e.InnerException as StructuredSchemaException)?.Pointer);

    /// <summary>The JSON path of a media part's description (<c>messages[0].content[1] (image url ...)</c>).</summary>
    private static string? PartPath(string? part) => part?.Split(' ', 2)[0];

    /// <summary>A request the engine can never run (a prompt longer than the context, ...).</summary>
    public static ServeException From(RequestRejectedException e)
    {
        var code = EngineRejections.ToFailureReason(e.Reason);
        return new(StatusCodes.Status400BadRequest, code, $"messages: {e.Message}", code == FailureReasons.PromptTooLong ? "messages" : null);
    }
}
