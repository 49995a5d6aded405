# Device and IdempotencyRecord move here from the terminal app (issue 16: terminal holds no
# models). State only: the tables keep their names, rows and constraints; terminal's 0004
# drops the models from its own state once this has taken them over.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0008_staff_invitations'),
        ('terminal', '0003_answer_is_the_sale'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Device',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('terminal', 'Terminal'), ('kiosk', 'Kiosk')], default='terminal', max_length=8, verbose_name='kind')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('key_prefix', models.CharField(db_index=True, max_length=12)),
                        ('key_hash', models.CharField(max_length=128, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('last_seen_at', models.DateTimeField(blank=True, null=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.business')),
                        ('point_of_sale', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='devices', to='loyalty.pointofsale')),
                    ],
                    options={
                        'verbose_name': 'device',
                        'db_table': 'terminal_device',
                        'ordering': ['-created_at'],
                    },
                ),
                # The column's foreign key already points at terminal_device.
                migrations.AlterField(
                    model_name='sale',
                    name='device',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='loyalty.device'),
                ),
                migrations.CreateModel(
                    name='IdempotencyRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255)),
                        ('request_hash', models.CharField(max_length=64)),
                        ('status_code', models.PositiveSmallIntegerField()),
                        ('body', models.JSONField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.business')),
                        ('device', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.device')),
                        ('sale', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.sale')),
                    ],
                    options={
                        'db_table': 'terminal_idempotencyrecord',
                        'constraints': [models.UniqueConstraint(fields=('device', 'key'), name='idempotency_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
