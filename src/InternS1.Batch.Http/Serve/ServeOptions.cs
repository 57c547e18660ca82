using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Http.Serve;

/// <summary>
/// The OpenAI-compatible endpoint (section <c>Serve</c>; environment <c>INTERNS1_Serve__Urls</c> etc.): where it
/// listens, who may call it, how many interactive requests may wait, the engine slots kept for them and the dataset
/// their rows go to. <c>interns1 serve</c> always runs it; <c>interns1 worker</c> runs it when <see cref="Urls"/> is set.
/// </summary>
public sealed class ServeOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Serve";

    /// <summary>Where the endpoint listens when nothing is configured.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8000";

    /// <summary>The header that names the dataset of a request (over the body's <c>user</c> field).</summary>
    public const string DatasetHeader = "X-InternS1-Dataset";

    /// <summary>Kestrel URLs, <c>;</c>-separated (<c>http://0.0.0.0:8000</c> for every interface). Default
    /// <c>http://127.0.0.1:8000</c>; <c>interns1 serve --urls</c> overrides it.</summary>
    [Required]
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>API keys accepted as <c>Authorization: Bearer KEY</c> on <c>/v1/*</c> (compared in constant time);
    /// empty = no key needed. <c>/health</c> and <c>/metrics</c> stay open.</summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>Interactive requests that may wait for an engine slot at once (accepted, not yet running); one more
    /// is refused with 503 and <c>Retry-After</c>. Default 256.</summary>
    [Range(0, 1_000_000)]
    public int MaxWaiting { get; set; } = 256;

    /// <summary>Of <c>Engine:MaxNumSeqs</c>, sequence slots batch jobs may not take, kept free for interactive requests
    /// (they still preempt batch sequences when every slot is taken). Default 0.</summary>
    [Range(0, 4095)]
    public int ReservedSeqs { get; set; }

    /// <summary>The dataset of interactive requests' <c>jobs</c> rows when neither the <c>X-InternS1-Dataset</c>
    /// header nor the body's <c>user</c> field names one. Default <c>interactive</c>.</summary>
    [Required]
    public string Dataset { get; set; } = "interactive";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        ValidationResult? bad = null;
        try
        {
            Hosting.HttpUrls.Parse(Urls, $"{SectionName}:{nameof(Urls)}");
        }
        catch (ArgumentException e)
        {
            bad = new ValidationResult(e.Message, [nameof(Urls)]);
        }
        if (bad is not null) yield return bad;
        if (string.IsNullOrWhiteSpace(Dataset) || Dataset.Length > 200 || Dataset.Any(char.IsControl))
            yield return new ValidationResult($"{SectionName}:{nameof(Dataset)} must be a non-empty name of at most 200 characters", [nameof(Dataset)]);
    }
}
