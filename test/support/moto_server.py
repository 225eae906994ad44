"""moto_server with the SageMaker calls sagezero needs that moto 5.2 lacks: UpdateEndpoint, and the
real-time scale-to-zero calls (inference components; realtime_moto_stub.py beside this file).

The integration tests start this instead of the bare `moto_server` (same flags). The shim follows the
documented AWS behaviour the tests depend on, nothing more:
- UpdateEndpoint moves the endpoint to another endpoint config (InService at once, like moto's create);
- it fails with a ValidationException when the new config changes the instance type while the variant
  is registered as an Application Auto Scaling scalable target (docs/ARCHITECTURE.md, "AWS facts the code honours").
Everything else is moto as shipped.
"""

import sys

from moto.applicationautoscaling.models import applicationautoscaling_backends
from moto.core.common_types import TYPE_RESPONSE  # noqa: F401  (import checks the moto layout)
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import FakeEndpoint, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main

DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def _update_endpoint(self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str) -> FakeEndpoint:
    endpoint = self.endpoints.get(endpoint_name)
    if endpoint is None:
        arn = FakeEndpoint.arn_formatter(endpoint_name, self.account_id, self.region_name)
        raise ValidationError(message=f"Could not find endpoint '{arn}'.")
    try:
        new_config = self.describe_endpoint_config(endpoint_config_name)
    except KeyError:
        raise ValidationError(message=f"Could not find endpoint configuration '{endpoint_config_name}'.")
    old_config = self.describe_endpoint_config(endpoint.endpoint_config_name)
    old_types = {v["VariantName"]: v.get("InstanceType") for v in old_config["ProductionVariants"]}
    aas = applicationautoscaling_backends[self.account_id][self.region_name]
    for variant in new_config["ProductionVariants"]:
        name = variant["VariantName"]
        resource_id = f"endpoint/{endpoint_name}/variant/{name}"
        registered = resource_id in aas.targets.get(DIMENSION, {})
        if registered and old_types.get(name) not in (None, variant.get("InstanceType")):
            raise ValidationError(
                message=(
                    f"The variant {name} of endpoint {endpoint_name} is registered as a scalable target; "
                    "deregister it before changing the instance type."
                )
            )
    endpoint.endpoint_config_name = endpoint_config_name
    endpoint.production_variants = endpoint._process_production_variants(new_config["ProductionVariants"])
    return endpoint


def _update_endpoint_response(self: SageMakerResponse):  # type: ignore[no-untyped-def]
    from moto.core.responses import ActionResult

    endpoint = self.sagemaker_backend.update_endpoint(
        endpoint_name=self._get_param("EndpointName"),
        endpoint_config_name=self._get_param("EndpointConfigName"),
    )
    return ActionResult({"EndpointArn": endpoint.arn})


if not hasattr(SageMakerModelBackend, "update_endpoint"):
    SageMakerModelBackend.update_endpoint = _update_endpoint  # type: ignore[attr-defined]
if not hasattr(SageMakerResponse, "update_endpoint"):
    SageMakerResponse.update_endpoint = _update_endpoint_response  # type: ignore[attr-defined]


# Real-time endpoints (issue 15): realtime_moto_stub.py beside this file stubs what moto lacks for them.
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
try:
    import realtime_moto_stub  # noqa: E402  (not "moto_...": moto reads a module named moto* as its own)

    realtime_moto_stub.install()
except (ImportError, AttributeError) as e:  # another moto layout: async tests still run
    print(f"moto_server.py: real-time stub not installed ({e!r}); real-time tests will fail", file=sys.stderr)

if __name__ == "__main__":
    main(sys.argv[1:])
