"""Real-time endpoints that scale to zero (issue 15), installed into moto_server by moto_server.py.

A stub of AWS's documented shapes, not an emulation: moto 5.2 has no inference components, rejects a
production variant without ModelName and drops ExecutionRoleArn from CreateEndpointConfig, and its
Application Auto Scaling knows no sagemaker:inference-component:DesiredCopyCount. Added here, just
enough for the provider's contract test (test/integration/aws-realtime.test.ts):
- CreateEndpointConfig keeps ExecutionRoleArn and accepts a variant without a model (its models are
  inference components); ManagedInstanceScaling and RoutingConfig already pass through moto as sent.
- Create/Describe/Update/Delete/ListInferenceComponents and UpdateInferenceComponentRuntimeConfig,
  InService at once like moto's endpoints; errors as AWS words them ("Could not find inference
  component", "Cannot create already existing inference component"); ListTags on their ARNs.
  Source: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html
- InvokeEndpoint with an InferenceComponentName whose component has 0 copies answers AWS's HTTP 400
  ValidationError "Inference Component has no capacity to process this request..." (quoted by the
  AWS ML blog post on scale down to zero, 2024-12-02); otherwise moto's canned answer.
- Application Auto Scaling accepts inference-component/<name> on that dimension.
"""

from collections.abc import Callable
from typing import Any

import moto.applicationautoscaling.models as aas_models
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend, arn_formatter, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemakerruntime.responses import SageMakerRuntimeResponse

COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
NO_CAPACITY = (
    "Inference Component has no capacity to process this request. ApplicationAutoScaling may be "
    "in-progress (if configured) or try to increase the capacity by invoking "
    "UpdateInferenceComponentRuntimeConfig API."
)


class RuntimeValidationError(ServiceException):
    code = "ValidationError"


class Component:
    def __init__(self, backend: SageMakerModelBackend, params: dict) -> None:  # type: ignore[type-arg]
        self.name = params["InferenceComponentName"]
        self.arn = arn_formatter("inference-component", self.name, backend.account_id, backend.region_name)
        self.endpoint_name = params["EndpointName"]
        self.endpoint_arn = backend.endpoints[self.endpoint_name].arn
        self.variant_name = params.get("VariantName")
        self.specification = params.get("Specification") or {}
        self.copies = int((params.get("RuntimeConfig") or {}).get("CopyCount", 1))
        self.tags = list(params.get("Tags") or [])
        self.created = self.modified = utcnow()

    def summary(self) -> dict:  # type: ignore[type-arg]
        return {
            "InferenceComponentName": self.name,
            "InferenceComponentArn": self.arn,
            "EndpointName": self.endpoint_name,
            "EndpointArn": self.endpoint_arn,
            "VariantName": self.variant_name,
            "InferenceComponentStatus": "InService",
            "CreationTime": self.created,
            "LastModifiedTime": self.modified,
        }

    def describe(self) -> dict:  # type: ignore[type-arg]
        return {
            **self.summary(),
            "Specification": self.specification,
            "RuntimeConfig": {"DesiredCopyCount": self.copies, "CurrentCopyCount": self.copies},
        }


def _components(backend: SageMakerModelBackend) -> dict[str, Component]:
    if not hasattr(backend, "inference_components"):
        backend.inference_components = {}  # type: ignore[attr-defined]
    return backend.inference_components  # type: ignore[attr-defined,no-any-return]


def _component(backend: SageMakerModelBackend, name: str) -> Component:
    found = _components(backend).get(name)
    if found is None:
        arn = arn_formatter("inference-component", name, backend.account_id, backend.region_name)
        raise ValidationError(message=f'Could not find inference component "{arn}".')
    return found


def _create_inference_component(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    params = self.params
    name = params["InferenceComponentName"]
    if name in _components(backend):
        arn = _components(backend)[name].arn
        raise ValidationError(message=f'Cannot create already existing inference component "{arn}".')
    if params.get("EndpointName") not in backend.endpoints:
        raise ValidationError(message=f"Could not find endpoint \"{params.get('EndpointName')}\".")
    model = (params.get("Specification") or {}).get("ModelName")
    if model not in backend._models:
        raise ValidationError(message=f'Could not find model "{model}".')
    if int((params.get("RuntimeConfig") or {}).get("CopyCount", 1)) < 1:
        raise ValidationError(message="RuntimeConfig.CopyCount must be at least 1 when creating.")
    component = Component(backend, params)
    _components(backend)[name] = component
    return ActionResult({"InferenceComponentArn": component.arn})


def _describe_inference_component(self: SageMakerResponse) -> ActionResult:
    return ActionResult(_component(self.sagemaker_backend, self._get_param("InferenceComponentName")).describe())


def _update_inference_component(self: SageMakerResponse) -> ActionResult:
    component = _component(self.sagemaker_backend, self._get_param("InferenceComponentName"))
    if self._get_param("Specification"):
        component.specification = self._get_param("Specification")
    if self._get_param("RuntimeConfig"):
        component.copies = int(self._get_param("RuntimeConfig")["CopyCount"])
    component.modified = utcnow()
    return ActionResult({"InferenceComponentArn": component.arn})


def _update_inference_component_runtime_config(self: SageMakerResponse) -> ActionResult:
    component = _component(self.sagemaker_backend, self._get_param("InferenceComponentName"))
    component.copies = int(self._get_param("DesiredRuntimeConfig")["CopyCount"])
    component.modified = utcnow()
    return ActionResult({"InferenceComponentArn": component.arn})


def _delete_inference_component(self: SageMakerResponse) -> ActionResult:
    component = _component(self.sagemaker_backend, self._get_param("InferenceComponentName"))
    del _components(self.sagemaker_backend)[component.name]
    return ActionResult({})


def _list_inference_components(self: SageMakerResponse) -> ActionResult:
    endpoint = self._get_param("EndpointNameEquals")
    contains = self._get_param("NameContains")
    found = sorted(
        (
            c
            for c in _components(self.sagemaker_backend).values()
            if (endpoint is None or c.endpoint_name == endpoint) and (contains is None or contains in c.name)
        ),
        key=lambda c: c.name,
    )
    start = int(self._get_param("NextToken") or 0)
    size = int(self._get_param("MaxResults") or 10)
    page = {"InferenceComponents": [c.summary() for c in found[start : start + size]]}
    if start + size < len(found):
        page["NextToken"] = str(start + size)
    return ActionResult(page)


def _validate_variants(self: SageMakerModelBackend, variants: list) -> None:  # type: ignore[type-arg]
    # A variant without a model hosts inference components; only named models must exist.
    _ORIGINAL["validate_variants"](self, [v for v in variants if "ModelName" in v])


def _create_endpoint_config(self: SageMakerResponse) -> ActionResult:
    result = _ORIGINAL["create_endpoint_config"](self)
    role = self._get_param("ExecutionRoleArn")
    if role:
        config = self.sagemaker_backend.endpoint_configs[self._get_param("EndpointConfigName")]
        config.execution_role_arn = role  # read back as ExecutionRoleArn by moto's describe
    return result


def _resource_from_arn(self: SageMakerModelBackend, arn: str):  # type: ignore[no-untyped-def]
    resource, _, name = arn.split(":")[-1].partition("/")
    if resource == "inference-component":
        return _component(self, name)
    return _ORIGINAL["resource_from_arn"](self, arn)


def _invoke_endpoint(self: SageMakerRuntimeResponse):  # type: ignore[no-untyped-def]
    name = self.headers.get("X-Amzn-SageMaker-Inference-Component")
    if name:
        backend = sagemaker_backends[self.current_account][self.region]
        component = _components(backend).get(name)
        if component is None:
            raise RuntimeValidationError(f"Inference component {name} not found.")
        if component.copies == 0:
            raise RuntimeValidationError(NO_CAPACITY)
    return _ORIGINAL["invoke_endpoint"](self)


def _target_params_valid(namespace: str, r_id: str, dimension: str) -> bool:
    if dimension == COPY_DIMENSION and namespace == "sagemaker" and r_id.startswith("inference-component/"):
        return True
    return _ORIGINAL["target_params_are_valid"](namespace, r_id, dimension)


def _validate_aas_params(self: ApplicationAutoScalingResponse) -> None:
    if self._get_param("ScalableDimension") == COPY_DIMENSION:
        return
    _ORIGINAL["validate_params"](self)


_ORIGINAL: dict[str, Callable[..., Any]] = {}


def install() -> None:
    """Patches moto 5.2; a moto that has inference components of its own is left as it is."""
    if hasattr(SageMakerResponse, "create_inference_component"):
        return
    for name, fn in {
        "create_inference_component": _create_inference_component,
        "describe_inference_component": _describe_inference_component,
        "update_inference_component": _update_inference_component,
        "update_inference_component_runtime_config": _update_inference_component_runtime_config,
        "delete_inference_component": _delete_inference_component,
        "list_inference_components": _list_inference_components,
    }.items():
        setattr(SageMakerResponse, name, fn)
    _ORIGINAL["validate_variants"] = SageMakerModelBackend.validate_production_variants
    SageMakerModelBackend.validate_production_variants = _validate_variants  # type: ignore[method-assign]
    _ORIGINAL["create_endpoint_config"] = SageMakerResponse.create_endpoint_config
    SageMakerResponse.create_endpoint_config = _create_endpoint_config  # type: ignore[method-assign]
    _ORIGINAL["resource_from_arn"] = SageMakerModelBackend._get_resource_from_arn
    SageMakerModelBackend._get_resource_from_arn = _resource_from_arn  # type: ignore[method-assign]
    _ORIGINAL["invoke_endpoint"] = SageMakerRuntimeResponse.invoke_endpoint
    SageMakerRuntimeResponse.invoke_endpoint = _invoke_endpoint  # type: ignore[method-assign]
    _ORIGINAL["target_params_are_valid"] = aas_models._target_params_are_valid
    aas_models._target_params_are_valid = _target_params_valid
    _ORIGINAL["validate_params"] = ApplicationAutoScalingResponse._validate_params
    ApplicationAutoScalingResponse._validate_params = _validate_aas_params  # type: ignore[method-assign]
