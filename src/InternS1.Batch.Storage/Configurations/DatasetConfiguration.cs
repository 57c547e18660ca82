using InternS1.Batch.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InternS1.Batch.Storage.Configurations;

/// <summary>Maps <see cref="Dataset"/> to <c>datasets</c>.</summary>
public sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> builder)
    {
        builder.ToTable("datasets", t => t.HasCheckConstraint("ck_datasets_name_not_empty", "length(name) > 0"));
        builder.HasKey(d => d.Name);
        builder.Property(d => d.Name).HasMaxLength(Limits.DatasetNameLength);
        builder.Property(d => d.CreatedAt).HasDefaultValueSql("now()");
        builder.HasMany(d => d.Jobs).WithOne().HasForeignKey(j => j.Dataset).OnDelete(DeleteBehavior.Restrict);
    }
}
