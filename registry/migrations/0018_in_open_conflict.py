# The claim's "in an open conflict" flag, kept by conflict detection, and the
# partial index the admin's conflict filter reads.

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill_flag(apps, schema_editor):
    # What selectors.review.in_open_conflict() computes, for existing rows.
    Claim = apps.get_model("registry", "Claim")
    Conflict = apps.get_model("registry", "Conflict")
    members = Conflict.figures.through.objects.filter(
        figure__claim=OuterRef("pk"), conflict__status="open"
    )
    Claim.objects.filter(Exists(members)).update(in_open_conflict=True)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0017_verbose_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='in_open_conflict',
            field=models.BooleanField(default=False, editable=False, verbose_name='in an open conflict'),
        ),
        # The index before the fill: an index built right after an UPDATE of
        # its table is not used until every older transaction in the cluster
        # ends (pg_index.indcheckxmin), which took fc_scale_1m's planner back
        # to walking every claim (bench/RESULTS.md).
        migrations.AddIndex(
            model_name='claim',
            index=models.Index(condition=models.Q(('in_open_conflict', True)), fields=['-created_at', '-id'], name='claim_open_conflict'),
        ),
        migrations.RunPython(fill_flag, migrations.RunPython.noop),
    ]
