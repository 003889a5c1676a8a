// the SDK's Node-version notice is for the machine, not for the tests' output
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
