# The kiosk's CustomerSession moves here from the terminal app (issue 16: terminal holds no
# models). State only: the table keeps its name and rows; terminal's 0004 drops the model
# from its own state once this has taken it over.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0007_customer_phone_index'),
        ('loyalty', '0009_devices_and_idempotency_from_terminal'),
        ('terminal', '0003_answer_is_the_sale'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CustomerSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('identified_by', models.CharField(max_length=8)),
                        ('otp_verified', models.BooleanField(default=False)),
                        ('expires_at', models.DateTimeField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.business')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer')),
                        ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='loyalty.device')),
                    ],
                    options={
                        'db_table': 'terminal_customersession',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
