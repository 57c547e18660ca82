using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="Cancellation"/> to <c>cancellations</c>: exactly one target (dataset or job).</summary>
public sealed class CancellationConfiguration : IEntityTypeConfiguration<Cancellation>
{
    public void Configure(EntityTypeBuilder<Cancellation> builder)
    {
        builder.ToTable("cancellations", t => t.HasCheckConstraint("ck_cancellations_target", "(dataset IS NULL) <> (job_id IS NULL)"));
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Property(c => c.Dataset).HasMaxLength(Limits.DatasetNameLength);
        builder.Property(c => c.JobId).HasMaxLength(Limits.JobIdLength);
        builder.Property(c => c.RequestedBy).HasMaxLength(256);
        builder.Property(c => c.RequestedAt).HasDefaultValueSql("now()");
        builder.HasIndex(c => c.Dataset).HasDatabaseName("ix_cancellations_dataset");
        builder.HasIndex(c => c.JobId).HasDatabaseName("ix_cancellations_job_id");
    }
}
