"""Cost rollups: the all-regions daily costs summed per day or calendar month and service, and per day or month and
account, kept by database triggers in the transaction that writes the detail rows (`collection.rollups`)."""

from django.db import models

from collection.models import MONEY, AwsAccount


class CostRollup(models.Model):
    """The sums of a group of CostData rows (region "" only), in every stored metric, with how many rows it holds.

    A net metric is unknown (NULL) on some rows; the group keeps the sum of the known ones and how many are unknown,
    so that a reader answers NULL, never a partial sum, when any row of what it adds up does not know it.
    """

    unblended_cost = models.DecimalField(**MONEY)
    amortized_cost = models.DecimalField(**MONEY)
    net_unblended_cost = models.DecimalField(**MONEY, help_text="Sum of the rows that know it.")
    net_amortized_cost = models.DecimalField(**MONEY, help_text="Sum of the rows that know it.")
    currency = models.CharField(max_length=3)
    rows = models.IntegerField(help_text="Detail rows summed; a group of none is deleted.")
    net_unblended_unknown = models.IntegerField(help_text="Rows whose net unblended cost is unknown.")
    net_amortized_unknown = models.IntegerField(help_text="Rows whose net amortized cost is unknown.")

    class Meta:
        abstract = True


class CostDayByService(CostRollup):
    """One day of one service's cost, every account together."""

    date = models.DateField()
    service = models.CharField(max_length=255)

    class Meta:
        verbose_name = "daily cost rollup by service"
        constraints = [
            models.UniqueConstraint(fields=["date", "service", "currency"], name="uniq_rollup_day_service"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.service} {self.currency}"


class CostDayByAccount(CostRollup):
    """One day of one account's cost, every service together."""

    date = models.DateField()
    # No database constraint: a group exists only while CostData rows hold it, and those protect their account.
    account = models.ForeignKey(AwsAccount, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        verbose_name = "daily cost rollup by account"
        constraints = [
            models.UniqueConstraint(fields=["date", "account", "currency"], name="uniq_rollup_day_account"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.account_id} {self.currency}"


class CostMonthByService(CostRollup):
    """One calendar month of one service's cost, every account together; `month` is the month's first day."""

    month = models.DateField()
    service = models.CharField(max_length=255)

    class Meta:
        verbose_name = "monthly cost rollup by service"
        constraints = [
            models.UniqueConstraint(fields=["month", "service", "currency"], name="uniq_rollup_month_service"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.service} {self.currency}"


class CostMonthByAccount(CostRollup):
    """One calendar month of one account's cost, every service together; `month` is the month's first day."""

    month = models.DateField()
    account = models.ForeignKey(AwsAccount, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    class Meta:
        verbose_name = "monthly cost rollup by account"
        constraints = [
            models.UniqueConstraint(fields=["month", "account", "currency"], name="uniq_rollup_month_account"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.account_id} {self.currency}"
