// Embind's runtime as the module uses it: registrations of built-in types no binding takes are
// no-ops, so the glue's converters for them (and the helpers only they call) are left out.
mergeInto(LibraryManager.library, {
  // std::wstring, std::u16string, std::u32string: UTF-16 and UTF-32 converters.
  _embind_register_std_wstring__deps: [],
  _embind_register_std_wstring: function() {},

  // Every binding is a free function under its own name (no overloads, no classes): a name is
  // set once, to its placeholder, then to its invoker, so the overload tables are left out.
  $exposePublicSymbol__deps: [],
  $exposePublicSymbol: function(name, value) {
    Module[name] = value;
  },
  $replacePublicSymbol__deps: [],
  $replacePublicSymbol: function(name, value) {
    Module[name] = value;
  },

  // The debugging counters init_emval puts on the module (count_emval_handles, get_first_emval):
  // nothing reads them.
  $init_emval__deps: [],
  $init_emval: function() {},
});
