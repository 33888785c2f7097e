"""/api/accounts: the AWS accounts known from Organizations and the cost history."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from api.pagination import paginate
from api.params import AccountParams
from api.schema import envelope_schema
from api.serializers import AccountSerializer
from api.views.base import CachedListViewSet, enveloped
from collection.selectors import account_queryset

ACCOUNT_ID_PATH = r"[0-9]{12}"  # ASCII digits only


class AccountViewSet(CachedListViewSet):
    dataset, params_class = "accounts", AccountParams
    cache_prefix = "accounts"
    lookup_field = "account_id"
    lookup_value_regex = ACCOUNT_ID_PATH

    @envelope_schema(
        AccountSerializer,
        many=True,
        params=AccountParams,
        summary="Accounts",
        description="The AWS accounts of the organization, as AWS Organizations and the cost history know them.",
    )
    def list(self, request):
        params = self.query(request)

        def compute():
            accounts = account_queryset(
                status=params.get("status"), is_payer=params.get("is_payer"), scope=self.scope(request)
            )
            items, page = paginate(
                accounts.order_by(params["ordering"]), page=params["page"], page_size=params["page_size"]
            )
            return AccountSerializer(items, many=True).data, page

        return self.cached_list(request, compute)

    @staticmethod
    def key_parts(params: dict) -> tuple:
        return (params.get("status"),)

    @envelope_schema(
        AccountSerializer,
        summary="One account",
        description="One AWS account by its 12-digit id.",
        path_parameter=OpenApiParameter(
            "account_id",
            str,
            OpenApiParameter.PATH,
            pattern=f"^{ACCOUNT_ID_PATH}$",
            description="The 12-digit AWS account id.",
        ),
    )
    def retrieve(self, request, account_id: str):
        account = account_queryset(scope=self.scope(request)).filter(account_id=account_id).first()
        if account is None:
            # The same answer whether the account is unknown or outside the reader's scope, never echoing its id.
            raise exceptions.NotFound("No such account.")
        return enveloped(AccountSerializer(account).data)
