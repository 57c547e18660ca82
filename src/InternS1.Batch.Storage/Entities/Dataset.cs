namespace InternS1.Batch.Storage.Entities;

/// <summary>A row of <c>datasets</c>: a named batch of jobs, created on first use.</summary>
public sealed class Dataset
{
    /// <summary>The dataset name (primary key), as given to <c>interns1 submit --dataset</c>.</summary>
    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Job> Jobs { get; set; } = [];
}
