using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="Job"/> to <c>jobs</c>: status check constraint, custom_id unique per dataset
/// among jobs that are not dead-lettered (a duplicate is itself recorded as a dead-lettered job).</summary>
public sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        var statuses = string.Join(", ", JobStatus.All.Select(s => $"'{s}'"));
        builder.ToTable("jobs", t => t.HasCheckConstraint("ck_jobs_status", $"status IN ({statuses})"));
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).HasMaxLength(Limits.JobIdLength);
        builder.Property(j => j.Dataset).HasMaxLength(Limits.DatasetNameLength);
        builder.Property(j => j.CustomId).HasMaxLength(Limits.CustomIdLength);
        builder.Property(j => j.Status).HasMaxLength(16);
        builder.Property(j => j.Payload).HasColumnType("jsonb");
        builder.Property(j => j.PayloadHash).HasMaxLength(Limits.PayloadHashLength);
        builder.Property(j => j.AttemptOwner).HasMaxLength(64);
        builder.Property(j => j.CreatedAt).HasDefaultValueSql("now()");

        builder.HasIndex(j => new { j.Dataset, j.CustomId })
            .HasDatabaseName(Limits.CustomIdIndexName)
            .IsUnique()
            .HasFilter($"status <> '{JobStatus.DeadLettered}'");
        builder.HasIndex(j => new { j.Dataset, j.Status }).HasDatabaseName("ix_jobs_dataset_status");
        builder.HasIndex(j => j.FinishedAt).HasDatabaseName("ix_jobs_finished_at");

        builder.HasOne(j => j.Result).WithOne().HasForeignKey<JobResult>(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(j => j.TokenUsage).WithOne().HasForeignKey<TokenUsage>(u => u.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
