using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="JobResult"/> to <c>results</c>; <c>job_id</c> is the primary key, which is what
/// makes "exactly one result per job" hold under any redelivery.</summary>
public sealed class JobResultConfiguration : IEntityTypeConfiguration<JobResult>
{
    public void Configure(EntityTypeBuilder<JobResult> builder)
    {
        builder.ToTable("results");
        builder.HasKey(r => r.JobId);
        builder.Property(r => r.ToolCalls).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        builder.Property(r => r.FinishReason).HasMaxLength(16);
        builder.Property(r => r.ThinkingIgnored).HasDefaultValue(false);
        builder.Property(r => r.StructuredValid);
        builder.Property(r => r.StructuredError);
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
    }
}
