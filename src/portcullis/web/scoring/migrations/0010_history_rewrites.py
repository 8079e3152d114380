from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0009_accounts_counter'),
    ]

    operations = [
        migrations.AddField(
            model_name='enginestate',
            name='rewrites',
            field=models.PositiveBigIntegerField(default=0),
        ),
    ]
